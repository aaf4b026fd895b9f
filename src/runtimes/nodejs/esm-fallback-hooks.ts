/**
 * Module customization hooks; this file runs on Node's loader thread, not the
 * runtime's main thread. ESM ignores NODE_PATH, so a bare specifier that
 * fails to resolve is retried from each NODE_PATH folder, as require does.
 */
import { existsSync } from "node:fs";
import type {
  InitializeHook,
  ResolveFnOutput,
  ResolveHook,
  ResolveHookContext,
} from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** What the main thread passes to `initialize`. */
export interface EsmFallbackData {
  nodePath: string[];
}

let searchDirs: string[] = [];

/** Receives the NODE_PATH folders from `module.register`. */
export const initialize: InitializeHook<EsmFallbackData> = (data) => {
  searchDirs = data.nodePath;
};

/** Falls back to NODE_PATH when a bare specifier is not found. */
export const resolve: ResolveHook = async (specifier, context, next) => {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fallback = isNotFound(error)
      ? await resolveFromNodePath(specifier, context, next)
      : undefined;
    if (fallback === undefined) throw error;
    return fallback;
  }
};

type NextResolve = Parameters<ResolveHook>[2];

async function resolveFromNodePath(
  specifier: string,
  context: ResolveHookContext,
  next: NextResolve,
): Promise<ResolveFnOutput | undefined> {
  const name = packageName(specifier);
  if (name === undefined) return undefined;
  for (const dir of searchDirs) {
    if (!existsSync(join(dir, name))) continue;
    // A parent file beside `dir` makes `dir` the first node_modules folder
    // Node searches, so it applies the package's exports for us.
    const parentURL = pathToFileURL(join(dirname(dir), "noop.js")).href;
    return next(specifier, { ...context, parentURL });
  }
  return undefined;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ERR_MODULE_NOT_FOUND";
}

/** `@scope/pkg` or `pkg` for a bare specifier; undefined for anything else. */
function packageName(specifier: string): string | undefined {
  if (/^[./#]|^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
