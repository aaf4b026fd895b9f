/** One invocation as an environment receives it. */
export interface InvocationRequest {
  requestId: string;
  payload: Buffer;
  /** The ARN exactly as the caller addressed the function. */
  invokedFunctionArn: string;
  /** Decoded client context JSON, when the caller sent one. */
  clientContext?: string;
  traceId: string;
}

/** What the runtime (or the platform on its behalf) answered. */
export interface InvocationOutcome {
  payload: Buffer;
  /** Set when the invocation failed; the Invoke response then says `Unhandled`. */
  errorType?: string;
}

/** The outcome plus what the pool measured and logged. */
export interface InvocationResult extends InvocationOutcome {
  /** The invocation's log lines, START to REPORT, for `LogType: Tail`. */
  logLines: string[];
  durationMs: number;
  initDurationMs?: number;
}

/**
 * Why an environment's processes cannot even start, as AWS reports it:
 * `errorType`, and `RequestId: <id> Error: <reason>` as the message.
 */
export interface LaunchFailure {
  errorType: string;
  reason: string;
}
