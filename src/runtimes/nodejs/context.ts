import type { InvocationInfo } from "./invocation-info.js";
import type { RuntimeEnvironment } from "./runtime-environment.js";

/** The completion side of a context: legacy methods and the wait flag. */
export interface CompletionControls {
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
  getWaitsForEmptyEventLoop(): boolean;
  setWaitsForEmptyEventLoop(value: boolean): void;
}

/** The `context` object handed to a handler. */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
  done(error?: unknown, result?: unknown): void;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  identity: unknown;
  clientContext: unknown;
  tenantId: string | undefined;
  getRemainingTimeInMillis(): number;
}

/** Builds the handler's `context` for one invocation. */
export function createContext(
  env: RuntimeEnvironment,
  info: InvocationInfo,
  controls: CompletionControls,
  clock: () => number = Date.now,
): LambdaContext {
  return {
    get callbackWaitsForEmptyEventLoop() {
      return controls.getWaitsForEmptyEventLoop();
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      controls.setWaitsForEmptyEventLoop(value);
    },
    succeed: controls.succeed,
    fail: controls.fail,
    done: controls.done,
    functionName: env.functionName,
    functionVersion: env.functionVersion,
    invokedFunctionArn: info.invokedFunctionArn,
    memoryLimitInMB: env.memorySize,
    awsRequestId: info.requestId,
    logGroupName: env.logGroupName,
    logStreamName: env.logStreamName,
    identity: info.identity,
    clientContext: info.clientContext,
    tenantId: info.tenantId,
    getRemainingTimeInMillis: () => info.deadlineMs - clock(),
  };
}
