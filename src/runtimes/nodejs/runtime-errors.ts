/** Error types the runtime itself reports, named as AWS's runtime names them. */
const RUNTIME_ERROR_TYPES = [
  "Runtime.MalformedHandlerName",
  "Runtime.ImportModuleError",
  "Runtime.UserCodeSyntaxError",
  "Runtime.HandlerNotFound",
  "Runtime.UnhandledPromiseRejection",
  "Runtime.NodeJsExit",
] as const;

export type RuntimeErrorType = (typeof RUNTIME_ERROR_TYPES)[number];

/**
 * A failure detected by the runtime; `name` is the wire error type. Made by
 * `runtimeError`, as an instance of the subclass for its type.
 */
export class RuntimeError extends Error {
  declare readonly name: RuntimeErrorType;

  protected constructor(type: RuntimeErrorType, message: string) {
    super(message);
    // Not enumerable, like Error's own name, so logged JSON omits it.
    Object.defineProperty(this, "name", { value: type, configurable: true });
    // Recompute the stack so its first line carries the wire type.
    Error.captureStackTrace(this, runtimeError);
  }
}

type RuntimeErrorClass = new (message: string) => RuntimeError;

/**
 * One class per type, named like AWS's runtime's own classes (`Runtime.X` is
 * an instance of a class `X`): JSON log records give an error's class name
 * as its errorType.
 */
const CLASSES = {} as Record<RuntimeErrorType, RuntimeErrorClass>;
for (const type of RUNTIME_ERROR_TYPES) {
  const className = type.slice("Runtime.".length);
  const named: Record<string, RuntimeErrorClass> = {
    [className]: class extends RuntimeError {
      constructor(message: string) {
        super(type, message);
      }
    },
  };
  CLASSES[type] = named[className]!;
}

/** A runtime failure of `type`. */
export function runtimeError(
  type: RuntimeErrorType,
  message: string,
): RuntimeError {
  return new CLASSES[type](message);
}

/** Wraps a module-not-found error the way AWS reports it. */
export function importModuleError(cause: Error): RuntimeError {
  return runtimeError("Runtime.ImportModuleError", String(cause));
}

/**
 * Wraps a syntax error in user code. As in AWS's runtime, the trace is the
 * wrapper's own (`Runtime.UserCodeSyntaxError: SyntaxError: ...`); the
 * message names the syntax error, not where it is.
 */
export function userCodeSyntaxError(cause: Error): RuntimeError {
  return runtimeError("Runtime.UserCodeSyntaxError", String(cause));
}

/** The error for a promise the user rejected without handling. */
export function unhandledRejectionError(
  reason: unknown,
  promise?: Promise<unknown>,
): RuntimeError {
  const error = runtimeError(
    "Runtime.UnhandledPromiseRejection",
    String(reason),
  );
  // Enumerable, so the logged JSON shows them, as AWS's runtime logs them.
  Object.assign(error, { reason, promise });
  return error;
}

/** The error for an invocation whose returned promise never settled. */
export function nodeJsExitError(): RuntimeError {
  return runtimeError(
    "Runtime.NodeJsExit",
    "The Lambda runtime client detected an unexpected Node.js exit code. " +
      "This is most commonly caused by a Promise that was never settled. " +
      "For more information, see " +
      "https://nodejs.org/docs/latest/api/process.html#exit-codes",
  );
}
