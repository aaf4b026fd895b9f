import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { EnvironmentManager } from "../environments/index.js";
import {
  functionArn,
  resourceNotFound,
  tooManyRequests,
  type FunctionRecord,
  type Region,
} from "../model/index.js";
import type { Store } from "../store/index.js";

/** One invocation as the API received it. */
export interface InvokeInput {
  functionName: string;
  qualifier?: string;
  /** The ARN exactly as the caller addressed the function. */
  invokedArn: string;
  payload: Buffer;
  clientContext?: string;
  requestId?: string;
}

/** The result of a synchronous invocation, as Invoke returns it. */
export interface InvokeOutput {
  requestId: string;
  payload: Buffer;
  functionError?: "Unhandled";
  executedVersion: string;
  logLines: string[];
}

/** The function and version an invocation will run. */
export interface ResolvedTarget {
  fn: FunctionRecord;
  version: string;
}

/**
 * The invocation path: resolves the qualifier to a version, admits the
 * invocation under the concurrency limit or throttles it, and runs it in
 * that version's pool. The async entry stores the event durably instead.
 */
export class Invoker {
  private inFlight = 0;
  private readonly enqueueListeners: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly environments: EnvironmentManager,
    private readonly where: Region,
    private readonly maxConcurrency: number,
    private readonly log: Logger,
  ) {}

  /** Finds what an invocation would run, or fails as Invoke does. */
  resolve(functionName: string, qualifier?: string): ResolvedTarget {
    const fn = this.store.functions.get(functionName);
    const notFound = () =>
      resourceNotFound(
        `Function not found: ${functionArn(this.where, functionName, qualifier)}`,
      );
    if (!fn) throw notFound();
    // Limitation: versions and aliases are not there yet, so $LATEST is the only qualifier.
    if (qualifier !== undefined && qualifier !== "$LATEST") throw notFound();
    return { fn, version: "$LATEST" };
  }

  /** Runs an invocation and waits for its result (RequestResponse). */
  async invoke(input: InvokeInput): Promise<InvokeOutput> {
    const { fn, version } = this.resolve(input.functionName, input.qualifier);
    if (this.inFlight >= this.maxConcurrency) {
      throw tooManyRequests("ConcurrentInvocationLimitExceeded");
    }
    this.inFlight += 1;
    const requestId = input.requestId ?? randomUUID();
    try {
      const result = await this.environments.invoke(fn, {
        requestId,
        payload: input.payload,
        invokedFunctionArn: input.invokedArn,
        clientContext: input.clientContext,
        traceId: newTraceId(),
      });
      this.log.info(
        {
          functionName: fn.name,
          requestId,
          durationMs: Math.round(result.durationMs * 100) / 100,
          initDurationMs: result.initDurationMs,
          errorType: result.errorType,
        },
        "invocation finished",
      );
      return {
        requestId,
        payload: result.payload,
        functionError: result.errorType === undefined ? undefined : "Unhandled",
        executedVersion: version,
        logLines: result.logLines,
      };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Stores an Event invocation durably and returns its request id. */
  enqueue(input: InvokeInput): string {
    const { fn } = this.resolve(input.functionName, input.qualifier);
    const requestId = randomUUID();
    this.store.events.enqueue({
      requestId,
      functionName: fn.name,
      qualifier: input.qualifier ?? "$LATEST",
      invokedArn: input.invokedArn,
      payload: input.payload,
      enqueuedAt: Date.now(),
      attempts: 0,
    });
    for (const listener of this.enqueueListeners) listener();
    return requestId;
  }

  /** Calls `listener` after each enqueue, so that a worker can wake up. */
  onEnqueue(listener: () => void): void {
    this.enqueueListeners.push(listener);
  }
}

/** An X-Ray trace header: `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0`. */
function newTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  const root = `1-${epoch}-${randomBytes(12).toString("hex")}`;
  return `Root=${root};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}
