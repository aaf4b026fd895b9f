import { types } from "node:util";

/** Body of `/invocation/{id}/error` and `/init/error`. */
export interface ErrorResponse {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

interface ErrorLike {
  name: string;
  message: string;
  stack: string;
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (types.isNativeError(value)) return typeof value.stack === "string";
  if (typeof value !== "object" || value === null) return false;
  const { name, message, stack } = value as Partial<ErrorLike>;
  return (
    typeof name === "string" &&
    typeof message === "string" &&
    typeof stack === "string"
  );
}

/** Turns any thrown or rejected value into the Runtime API error body. */
export function toErrorResponse(value: unknown): ErrorResponse {
  try {
    if (isErrorLike(value)) {
      return {
        errorType: value.name,
        errorMessage: value.message,
        trace: value.stack.split("\n"),
      };
    }
    return { errorType: typeof value, errorMessage: String(value), trace: [] };
  } catch {
    // A getter or toString of the user's value threw; report that instead.
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem " +
        "while retrieving one or more of its message, name, and stack",
    };
  }
}

/** Returns `value` as an Error, wrapping anything else like `new Error(v)`. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * JSON of an error as the text log shows it: type, message, code, the
 * error's own enumerable fields, then the stack as lines.
 */
export function errorToLogJson(error: Error): string {
  const replacer = (_key: string, value: unknown): unknown => {
    if (!(value instanceof Error)) return value;
    const fields: Record<string, unknown> = {
      errorType: value.name,
      errorMessage: value.message,
      code: (value as { code?: unknown }).code,
      ...value,
    };
    if (typeof value.stack === "string") fields.stack = value.stack.split("\n");
    return fields;
  };
  try {
    return JSON.stringify(error, replacer);
  } catch {
    // Circular user fields: fall back to the fields we know are plain.
    return JSON.stringify(toErrorResponse(error));
  }
}
