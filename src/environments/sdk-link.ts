import { createRequire } from "node:module";
import { symlinkSync } from "node:fs";
import path from "node:path";

/** The node_modules folder holding the AWS SDK v3 that functions import unbundled. */
const SDK_NODE_MODULES = nodeModulesOf(
  createRequire(import.meta.url).resolve("@aws-sdk/client-lambda"),
);

function nodeModulesOf(file: string): string {
  const marker = `${path.sep}node_modules${path.sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}

/**
 * Makes the SDK importable from a function's code without bundling it, as on
 * AWS: a `node_modules` link beside the code tree is searched by both
 * `require` and `import` after the function's own node_modules, at no
 * start-up cost (an ESM resolve hook would add about 30 ms per cold start).
 */
// Limitation: once layers exist, their packages must come before this SDK.
export function linkSdkBeside(codeDir: string): void {
  const link = path.join(path.dirname(codeDir), "node_modules");
  try {
    symlinkSync(SDK_NODE_MODULES, link, "dir");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}
