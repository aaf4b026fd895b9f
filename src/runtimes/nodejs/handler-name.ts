import { basename } from "node:path";
import { runtimeError } from "./runtime-errors.js";

/** The parts of a handler string such as `src/app.main.nested`. */
export interface HandlerName {
  /** Directory part relative to the task root, e.g. `src/` (may be ""). */
  moduleRoot: string;
  /** Module file name without extension, e.g. `app`. */
  moduleName: string;
  /** Dotted property path to the function, e.g. `main.nested`. */
  propertyPath: string;
}

/** Splits a handler string, rejecting names AWS rejects. */
export function parseHandlerName(handler: string): HandlerName {
  if (handler.includes("..")) {
    throw runtimeError(
      "Runtime.MalformedHandlerName",
      `'${handler}' is not a valid handler name. Use absolute paths when ` +
        "specifying root directories in handler names.",
    );
  }
  const base = basename(handler);
  const dot = base.indexOf(".");
  if (dot === -1) {
    throw runtimeError("Runtime.MalformedHandlerName", "Bad handler");
  }
  return {
    moduleRoot: handler.slice(0, handler.length - base.length),
    moduleName: base.slice(0, dot),
    propertyPath: base.slice(dot + 1),
  };
}
