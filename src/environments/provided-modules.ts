import { createRequire } from "node:module";
import path from "node:path";

/**
 * The node_modules folder holding the AWS SDK v3 that functions import
 * without bundling it, as on AWS; the sandbox places it after their own.
 */
export const PROVIDED_MODULES_DIR = nodeModulesOf(
  createRequire(import.meta.url).resolve("@aws-sdk/client-lambda"),
);

function nodeModulesOf(file: string): string {
  const marker = `${path.sep}node_modules${path.sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}
