import { existsSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import type { EsmFallbackData } from "./esm-fallback-hooks.js";

/**
 * Lets `import` find bare packages in NODE_PATH after the function's own
 * node_modules. Registering starts Node's loader thread (about 30 ms), so
 * callers do this only when the handler is an ES module, and it is skipped
 * when no NODE_PATH folder could hold packages (the host makes the AWS SDK
 * reachable through a parent node_modules, which `import` finds by itself).
 */
// Limitation: a CommonJS handler's dynamic import() of a package that only
// NODE_PATH holds still fails, because the hook is not registered for it.
export function registerEsmNodePathFallback(nodePath: string[]): void {
  // Limitation: only NODE_PATH folders named node_modules are searched, so
  // other entries (AWS lists /var/runtime) are not.
  const searched = nodePath.filter(
    (dir) => path.basename(dir) === "node_modules" && existsSync(dir),
  );
  if (searched.length === 0) return;
  const data: EsmFallbackData = { nodePath: searched };
  register("./esm-fallback-hooks.js", {
    parentURL: import.meta.url,
    data,
  });
}
