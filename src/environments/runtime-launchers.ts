import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  runtimeSupport,
  runtimeVersionArn,
  type Region,
} from "../model/index.js";

/** How to start the bootstrap of a runtime, and what to tell the function's log. */
export interface RuntimeLaunch {
  /** The interpreter, a host path. */
  command: string;
  /** The host folder of the bootstrap, LAMBDA_RUNTIME_DIR. */
  runtimeDir: string;
  /** The bootstrap's file name in `runtimeDir`. */
  bootstrapFile: string;
  /** The INIT_START line of a new environment. */
  initStartLine: string;
  /** Lines written once per environment, such as a runtime version mismatch. */
  notices: string[];
}

const NODE_BOOTSTRAP = fileURLToPath(
  new URL("../runtimes/nodejs/bootstrap.js", import.meta.url),
);

/** The launch of a runtime Lambkin can run; callers validated the runtime before. */
export function launchFor(runtime: string, where: Region): RuntimeLaunch {
  const support = runtimeSupport(runtime);
  if (support.kind !== "runnable")
    throw new Error(`runtime ${runtime} cannot be launched`);
  const [major, minor] = process.versions.node.split(".");
  const notices =
    Number(major) === support.major
      ? []
      : [
          `Lambkin: this function's runtime is ${runtime}, but this environment runs on the ` +
            `host's Node.js ${process.version} (major ${major}, not ${support.major}).`,
        ];
  const versionArn = runtimeVersionArn(where.region, runtime);
  return {
    command: process.execPath,
    runtimeDir: path.dirname(NODE_BOOTSTRAP),
    bootstrapFile: path.basename(NODE_BOOTSTRAP),
    initStartLine: `INIT_START Runtime Version: nodejs:${major}.v${minor}\tRuntime Version ARN: ${versionArn}`,
    notices,
  };
}
