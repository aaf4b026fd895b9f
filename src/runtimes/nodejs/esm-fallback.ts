import { register } from "node:module";
import type { EsmFallbackData } from "./esm-fallback-hooks.js";

/**
 * Lets `import` find bare packages in NODE_PATH after the function's own
 * node_modules. Registering starts Node's loader thread, so callers do this
 * only when the handler is an ES module.
 */
// Limitation: a CommonJS handler's dynamic import() of a package that only
// NODE_PATH holds still fails, because the hook is not registered for it.
export function registerEsmNodePathFallback(nodePath: string[]): void {
  if (nodePath.length === 0) return;
  const data: EsmFallbackData = { nodePath };
  register("./esm-fallback-hooks.js", {
    parentURL: import.meta.url,
    data,
  });
}
