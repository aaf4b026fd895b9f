import { fileURLToPath } from "node:url";
import { packageClosure as closureIn } from "../../src/environments/package-closure.js";

/** The project's own node_modules, where test dependencies are installed. */
export const NODE_MODULES = fileURLToPath(
  new URL("../../../node_modules/", import.meta.url),
);

/**
 * The folders, relative to node_modules, of an installed package and all it
 * depends on: what a layer's `nodejs/node_modules` must hold for
 * `require(name)` to work.
 */
export function packageClosure(name: string): string[] {
  return closureIn(name, NODE_MODULES);
}
