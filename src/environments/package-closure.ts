import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The folders, relative to `nodeModules`, of a package and of everything it
 * depends on, found as Node finds them: a copy nested under the dependent
 * before the hoisted one.
 */
export function packageClosure(name: string, nodeModules: string): string[] {
  const found = new Set<string>();
  const visit = (packageName: string, from: string) => {
    const nested = path.join(from, "node_modules", packageName);
    const folder = existsSync(nested)
      ? nested
      : path.join(nodeModules, packageName);
    const relative = path.relative(nodeModules, folder);
    if (found.has(relative)) return;
    found.add(relative);
    const manifest = JSON.parse(
      readFileSync(path.join(folder, "package.json"), "utf8"),
    ) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const dependencies = {
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
    };
    for (const dependency of Object.keys(dependencies)) {
      if (
        existsSync(path.join(folder, "node_modules", dependency)) ||
        existsSync(path.join(nodeModules, dependency))
      )
        visit(dependency, folder);
    }
  };
  visit(name, nodeModules);
  return [...found];
}
