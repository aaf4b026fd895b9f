import path from "node:path";
import { LIMITS } from "../model/index.js";
import type { SandboxMode } from "../sandbox/index.js";

/** Everything `lambkin serve` can be told. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  region: string;
  accountId: string;
  /** Seconds an idle environment stays warm before it is shut down. */
  idleTimeoutSeconds: number;
  /** ConcurrentExecutions: invocations running at once across all functions. */
  concurrencyLimit: number;
  /** Event invocations the background worker runs at once. */
  asyncConcurrency: number;
  /** Output one invocation may add to its log; the rest is dropped. */
  maxLogBytesPerInvocation: number;
  logLevel: string;
  /** Which sandbox environments run in; `auto` isolates where the host allows. */
  sandbox: SandboxMode;
}

/** The port `lambkin serve` listens on unless told otherwise. */
export const DEFAULT_PORT = 9075;

/** The defaults, each overridable by a flag of `lambkin serve`. */
export function defaultConfig(): ServerConfig {
  return {
    host: "127.0.0.1",
    port: DEFAULT_PORT,
    dataDir: path.resolve(".lambkin"),
    region: "us-east-1",
    accountId: "000000000000",
    idleTimeoutSeconds: 300,
    concurrencyLimit: LIMITS.concurrentExecutions,
    asyncConcurrency: 4,
    maxLogBytesPerInvocation: 1024 * 1024,
    logLevel: "info",
    sandbox: "auto",
  };
}
