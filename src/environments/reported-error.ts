import type { IncomingMessage } from "node:http";
import { LIMITS } from "../model/index.js";
import type { InvocationOutcome } from "./invocation.js";

const ERROR_TYPE_HEADER = "lambda-runtime-function-error-type";

/** The error types Lambda keeps as a runtime sends them (unanchored, as AWS matches it). */
const ACCOUNTED_ERROR_TYPE = /(Runtime|Function)\.[A-Z][a-zA-Z]+/;

/**
 * The type an error a runtime reports is accounted under (INIT_REPORT and
 * REPORT lines, Lambkin's own log): the `Lambda-Runtime-Function-Error-Type`
 * header when it looks like `Runtime.Xxx` or `Function.Xxx`, else
 * `Function.Unknown` for other `Function.` values and `Runtime.Unknown` for
 * the rest. The body plays no part; the caller gets it as it is.
 * @example accountedErrorType(req) // "Runtime.Unknown" for a header "Error"
 */
export function accountedErrorType(req: IncomingMessage): string {
  const header = req.headers[ERROR_TYPE_HEADER];
  const value = typeof header === "string" ? header : "";
  if (ACCOUNTED_ERROR_TYPE.test(value)) return value;
  return value.startsWith("Function.") ? "Function.Unknown" : "Runtime.Unknown";
}

/**
 * What the caller gets for an error a runtime posted to `endpoint`: its body
 * byte for byte, JSON or not. An empty body would tell the caller nothing,
 * so it becomes an error that says the runtime sent none.
 */
// Limitation: what AWS returns for an empty error body is unverified; its
// emulator passes the empty body on.
export function reportedError(
  endpoint: string,
  body: Buffer,
  errorType: string,
): InvocationOutcome {
  if (body.length > 0) return { payload: body, errorType };
  return {
    payload: Buffer.from(
      JSON.stringify({
        errorMessage: `The runtime posted to ${endpoint} without a body.`,
        errorType,
      }),
    ),
    errorType,
  };
}

/** The caller's error when a runtime's answer passes the 6 MB (+100 bytes) limit. */
export function responseTooLarge(): InvocationOutcome {
  const errorType = "Function.ResponseSizeTooLarge";
  const limit = LIMITS.responsePayloadMaxBytes;
  return {
    payload: Buffer.from(
      JSON.stringify({
        errorMessage:
          "Response payload size exceeded maximum allowed payload size " +
          `(${limit} bytes).`,
        errorType,
      }),
    ),
    errorType,
  };
}
