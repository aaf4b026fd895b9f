import { createContext } from "./context.js";
import { toErrorResponse } from "./error-format.js";
import type { EventLoopDrain } from "./event-loop-drain.js";
import type { FunctionLogger } from "./function-logger.js";
import type { UserHandler } from "./handler-loader.js";
import { Invocation, type Outcome } from "./invocation.js";
import { readInvocationInfo } from "./invocation-info.js";
import type { RuntimeApiClient } from "./runtime-client.js";
import type { RuntimeEnvironment } from "./runtime-environment.js";

/** What the invocation loop works with. */
export interface InvocationLoopOptions {
  client: RuntimeApiClient;
  handler: UserHandler;
  env: RuntimeEnvironment;
  logger: FunctionLogger;
  drain: EventLoopDrain;
  /** Called when the Runtime API cannot be reached; the runtime must stop. */
  onFailure: (error: unknown) => void;
}

/**
 * `JSON.stringify` of a result, or the error AWS's runtime reports for a
 * result it cannot send: a plain Error when stringifying throws (a cycle, a
 * BigInt), and the TypeError "Wrong arguments" of its native Runtime API
 * client when there is no JSON at all (a function or a symbol).
 */
function serializeResult(result: unknown): { body: string } | { error: Error } {
  let body: string | undefined;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch {
    return { error: new Error("Unable to stringify response body") };
  }
  if (body === undefined) return { error: new TypeError("Wrong arguments") };
  return { body };
}

/** Fetches events from the Runtime API one at a time and reports outcomes. */
export class InvocationLoop {
  /** Request id of the invocation whose outcome is not yet posted. */
  private pending: string | undefined;

  constructor(private readonly options: InvocationLoopOptions) {}

  /** Starts polling for events. */
  start(): void {
    this.scheduleNext();
  }

  /** Posts `error` for the invocation in flight, if there is one. */
  async reportCrash(error: unknown): Promise<void> {
    const requestId = this.pending;
    if (requestId === undefined) return;
    this.pending = undefined;
    await this.options.client.postInvocationError(
      requestId,
      toErrorResponse(error),
    );
  }

  private scheduleNext(): void {
    setImmediate(() => {
      this.runNext().catch(this.options.onFailure);
    });
  }

  private async runNext(): Promise<void> {
    const { client, env, handler, logger, drain } = this.options;
    const next = await client.nextInvocation();
    const info = readInvocationInfo(next.headers);
    // 1. Make the request visible to logs and to the X-Ray SDK.
    this.pending = info.requestId;
    logger.setRequestId(info.requestId);
    if (info.traceId) process.env._X_AMZN_TRACE_ID = info.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    // 2. Run the handler; its outcome arrives through `finish`.
    const invocation = new Invocation(drain, (outcome) =>
      this.finish(info.requestId, outcome),
    );
    invocation.start(handler, next.body, (controls) =>
      createContext(env, info, controls),
    );
  }

  private finish(requestId: string, outcome: Outcome): void {
    // A crash may already have reported this invocation.
    if (this.pending !== requestId) return;
    this.pending = undefined;
    this.post(requestId, outcome).then(
      () => this.scheduleNext(),
      this.options.onFailure,
    );
  }

  private async post(requestId: string, outcome: Outcome): Promise<void> {
    const { client, logger } = this.options;
    let error: unknown;
    if (outcome.ok) {
      const serialized = serializeResult(outcome.result);
      if ("body" in serialized) {
        await client.postInvocationResponse(requestId, serialized.body);
        return;
      }
      error = serialized.error;
    } else {
      error = outcome.error;
    }
    logger.logError("Invoke Error", error);
    await client.postInvocationError(requestId, toErrorResponse(error));
  }
}
