import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Whether `.js` files in `dir` are ES modules: the nearest package.json says
 * `"type": "module"`. The walk stops at a node_modules folder or the root,
 * not at the task root: Node's own loader reads package.json files at any
 * height, and disagreeing with it would make require() of the file fail.
 */
export function isEsmScope(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    if (basename(current) === "node_modules") return false;
    const manifest = join(current, "package.json");
    if (existsSync(manifest)) return readsAsModule(manifest);
    if (dirname(current) === current) return false;
  }
}

function readsAsModule(manifest: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
    return (parsed as { type?: unknown } | null)?.type === "module";
  } catch (error) {
    // Node itself would refuse such a file later; AWS only warns here.
    console.warn(
      `${manifest} cannot be read, it will be ignored for ES module ` +
        "detection purposes.",
      error,
    );
    return false;
  }
}
