import type { Logger } from "pino";
import type { Region } from "../model/index.js";
import type { LogWriter } from "../observe/index.js";
import type { Sandbox } from "../sandbox/index.js";
import type { PlatformEndpoints } from "./environment-variables.js";

/** What every environment shares: where it runs, logs and reports. */
export interface EnvironmentDeps {
  sandbox: Sandbox;
  logWriter: LogWriter;
  log: Logger;
  where: Region;
  platform: PlatformEndpoints;
  /** Where the Unix sockets of environments with no network are made. */
  socketDir: string;
  /** Output an invocation may add to its log before the rest is dropped. */
  maxLogBytesPerInvocation: number;
  /** The node_modules folder of the SDK functions use without bundling it. */
  providedModulesDir: string;
}

/** The host folders an environment shows as /var/task and, with layers, /opt. */
export interface FunctionTrees {
  codeDir: string;
  layersDir?: string;
}
