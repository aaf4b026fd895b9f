import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's own node_modules, where test dependencies are installed. */
export const NODE_MODULES = fileURLToPath(
  new URL("../../../node_modules/", import.meta.url),
);

/**
 * The folders, relative to node_modules, of a package and everything it
 * depends on, as npm installed them: what a layer's `nodejs/node_modules`
 * must hold for `require(name)` to work.
 */
export function packageClosure(name: string): string[] {
  const found = new Set<string>();
  const visit = (packageName: string, from: string) => {
    // Node's lookup: a copy nested under the dependent wins over the hoisted one.
    const nested = path.join(from, "node_modules", packageName);
    const folder = existsSync(nested)
      ? nested
      : path.join(NODE_MODULES, packageName);
    const relative = path.relative(NODE_MODULES, folder);
    if (found.has(relative)) return;
    found.add(relative);
    const manifest = JSON.parse(
      readFileSync(path.join(folder, "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      visit(dependency, folder);
  };
  visit(name, NODE_MODULES);
  return [...found];
}
