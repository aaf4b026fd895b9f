/** Error types the runtime itself reports, named as AWS's runtime names them. */
export type RuntimeErrorType =
  | "Runtime.MalformedHandlerName"
  | "Runtime.ImportModuleError"
  | "Runtime.UserCodeSyntaxError"
  | "Runtime.HandlerNotFound"
  | "Runtime.UnhandledPromiseRejection"
  | "Runtime.NodeJsExit"
  | "Runtime.JSONStringifyError";

/** A failure detected by the runtime; `name` is the wire error type. */
export class RuntimeError extends Error {
  declare readonly name: RuntimeErrorType;

  constructor(type: RuntimeErrorType, message: string) {
    super(message);
    // Not enumerable, like Error's own name, so logged JSON omits it.
    Object.defineProperty(this, "name", { value: type, configurable: true });
    // Recompute the stack so its first line carries the wire type.
    Error.captureStackTrace(this, RuntimeError);
  }
}

/** Wraps a module-not-found error the way AWS reports it. */
export function importModuleError(cause: Error): RuntimeError {
  return new RuntimeError("Runtime.ImportModuleError", String(cause));
}

/** Wraps a syntax error in user code, keeping the stack that locates it. */
export function userCodeSyntaxError(cause: Error): RuntimeError {
  const error = new RuntimeError("Runtime.UserCodeSyntaxError", String(cause));
  error.stack = cause.stack;
  return error;
}

/** The error for a promise the user rejected without handling. */
export function unhandledRejectionError(reason: unknown): RuntimeError {
  const error = new RuntimeError(
    "Runtime.UnhandledPromiseRejection",
    String(reason),
  );
  // Enumerable, so the logged JSON shows what was rejected.
  Object.assign(error, { reason });
  return error;
}

/** The error for an invocation whose returned promise never settled. */
export function nodeJsExitError(): RuntimeError {
  return new RuntimeError(
    "Runtime.NodeJsExit",
    "The Lambda runtime client detected an unexpected Node.js exit code. " +
      "This is most commonly caused by a Promise that was never settled. " +
      "For more information, see " +
      "https://nodejs.org/docs/latest/api/process.html#exit-codes",
  );
}
