import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { HandlerName } from "./handler-name.js";
import { isEsmScope } from "./package-scope.js";
import {
  importModuleError,
  runtimeError,
  userCodeSyntaxError,
} from "./runtime-errors.js";

/** Where a handler's module was found and how it must be loaded. */
export type ModuleLocation =
  | { loader: "require" | "import"; path: string }
  | { loader: "resolve"; request: string; paths: string[] };

/** A user's handler: `(event, context, callback)`. */
export type UserHandler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

const requireUserCode = createRequire(import.meta.url);

/**
 * Finds a handler's module the way AWS's Node.js runtime does: the bare path,
 * `.js` (required, or imported in an ESM package scope), `.mjs`, `.cjs`, and
 * finally Node's own resolution from the task root (node_modules packages).
 */
export function locateHandlerModule(
  taskRoot: string,
  name: HandlerName,
): ModuleLocation {
  const moduleDir = resolve(taskRoot, name.moduleRoot);
  const base = resolve(moduleDir, name.moduleName);
  const candidates: Array<[path: string, loader: "require" | "import"]> = [
    [base, "require"],
    [`${base}.js`, isEsmScope(moduleDir) ? "import" : "require"],
    [`${base}.mjs`, "import"],
    [`${base}.cjs`, "require"],
  ];
  for (const [path, loader] of candidates) {
    if (existsSync(path)) return { loader, path };
  }
  return {
    loader: "resolve",
    request: name.moduleName,
    paths: [taskRoot, moduleDir],
  };
}

/** Loads the module, running its top-level code (and top-level await). */
export async function loadHandlerModule(
  location: ModuleLocation,
): Promise<unknown> {
  try {
    switch (location.loader) {
      case "require":
        return requireUserCode(location.path);
      case "import":
        return await import(pathToFileURL(location.path).href);
      case "resolve":
        return requireUserCode(
          requireUserCode.resolve(location.request, { paths: location.paths }),
        );
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw userCodeSyntaxError(error);
    if (isModuleNotFound(error)) throw importModuleError(error);
    throw error;
  }
}

/**
 * Whether `require` could not find a module. ESM's ERR_MODULE_NOT_FOUND (an
 * `import` of a missing package) is not wrapped: AWS's runtime reports it as
 * the plain Error that Node threw.
 */
function isModuleNotFound(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && code === "MODULE_NOT_FOUND";
}

function lookUp(root: unknown, propertyPath: string): unknown {
  let value = root;
  for (const key of propertyPath.split(".")) {
    if (value === null) return undefined;
    if (typeof value !== "object" && typeof value !== "function") {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Picks the handler function out of a loaded module by its property path.
 * Like AWS's runtime for Node.js 18 to 22, it looks only at the module's own
 * exports: a handler found only on the `default` export is not found.
 */
export function resolveHandlerFunction(
  loaded: unknown,
  propertyPath: string,
  handlerString: string,
): UserHandler {
  const handler = lookUp(loaded, propertyPath);
  if (!handler) {
    throw runtimeError(
      "Runtime.HandlerNotFound",
      `${handlerString} is undefined or not exported`,
    );
  }
  if (typeof handler !== "function") {
    throw runtimeError(
      "Runtime.HandlerNotFound",
      `${handlerString} is not a function`,
    );
  }
  return handler as UserHandler;
}
