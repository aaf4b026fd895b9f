import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildTreeOnce, mergeTrees } from "../store/index.js";
import { packageClosure } from "./package-closure.js";

/** The SDK AWS provides to functions; Lambkin's own API is the only one they reach. */
const PROVIDED_PACKAGE = "@aws-sdk/client-lambda";

/**
 * Lays out the AWS SDK v3 that functions import without bundling, as on
 * AWS, in a `node_modules` folder under `dir`: the provided client and the
 * packages it depends on, and none of Lambkin's other packages, which a
 * function on AWS would not find. Made once per set of package versions.
 */
export async function prepareProvidedModules(dir: string): Promise<string> {
  const source = nodeModulesOf(
    createRequire(import.meta.url).resolve(PROVIDED_PACKAGE),
  );
  // A nested folder comes along with the package it sits in.
  const folders = packageClosure(PROVIDED_PACKAGE, source).filter(
    (folder) => !folder.includes(`${path.sep}node_modules${path.sep}`),
  );
  const key = createHash("sha256")
    .update(
      folders
        .map((folder) => `${folder}@${versionOf(source, folder)}`)
        .join(","),
    )
    .digest("hex")
    .slice(0, 16);
  await buildTreeOnce(path.join(dir, key), async (staging) => {
    for (const folder of folders) {
      await mergeTrees(
        [path.join(source, folder)],
        path.join(staging, "node_modules", folder),
      );
    }
  });
  return path.join(dir, key, "node_modules");
}

function versionOf(nodeModules: string, folder: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(nodeModules, folder, "package.json"), "utf8"),
  ) as { version?: string };
  return manifest.version ?? "";
}

function nodeModulesOf(file: string): string {
  const marker = `${path.sep}node_modules${path.sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}
