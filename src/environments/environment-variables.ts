import path from "node:path";
import type { FunctionRecord, Region, RuntimeFamily } from "../model/index.js";
import { logGroupName } from "../model/index.js";

/** Where the platform around an environment can be reached. */
export interface PlatformEndpoints {
  /** The Lambkin API endpoint that the SDK inside a function should use. */
  apiEndpoint: string;
  /** The same API on a Unix socket, for environments with no network. */
  apiSocket: string;
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
  };
}

/** What an environment needs to know of itself. */
export interface EnvironmentIdentity {
  fn: FunctionRecord;
  version: string;
  codeDir: string;
  runtimeDir: string;
  /** Where the function's layers are: /opt, unless the sandbox cannot mount it there. */
  optDir: string;
  runtimeApi: string;
  logStreamName: string;
  family: RuntimeFamily;
  /** AWS_EXECUTION_ENV, unset for custom runtimes. */
  executionEnv?: string;
}

/** Where each runtime family looks for modules, as AWS sets it. */
const RUNTIME_PATHS: Record<
  RuntimeFamily,
  (identity: EnvironmentIdentity) => Record<string, string>
> = {
  nodejs: ({ optDir, runtimeDir, codeDir }) => ({
    NODE_PATH: [
      `${optDir}/nodejs/node${process.versions.node.split(".")[0]}/node_modules`,
      `${optDir}/nodejs/node_modules`,
      `${runtimeDir}/node_modules`,
      runtimeDir,
      codeDir,
    ].join(":"),
  }),
  python: ({ optDir, runtimeDir }) => ({
    PYTHONPATH: runtimeDir,
    // The Python bootstrap puts the layers' folders on sys.path from here.
    ...(optDir === "/opt" ? {} : { LAMBKIN_OPT_DIR: optDir }),
  }),
  provided: () => ({}),
};

/**
 * The process environment of a function: AWS's reserved variables, the
 * credentials and endpoint for the SDK, then the user's own variables.
 */
export function environmentVariables(
  identity: EnvironmentIdentity,
  where: Region,
  platform: PlatformEndpoints,
): Record<string, string> {
  const { fn, optDir } = identity;
  const defaults: Record<string, string> = {
    PATH: [
      path.dirname(process.execPath),
      "/usr/local/bin",
      "/usr/bin/",
      "/bin",
      `${optDir}/bin`,
    ].join(":"),
    LD_LIBRARY_PATH: [
      "/lib64",
      "/usr/lib64",
      identity.runtimeDir,
      `${identity.runtimeDir}/lib`,
      identity.codeDir,
      `${identity.codeDir}/lib`,
      `${optDir}/lib`,
    ].join(":"),
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    ...RUNTIME_PATHS[identity.family](identity),
    AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    AWS_XRAY_DAEMON_ADDRESS: "169.254.79.129:2000",
    AWS_ENDPOINT_URL: platform.apiEndpoint,
    AWS_DEFAULT_REGION: where.region,
  };
  const reserved: Record<string, string> = {
    _HANDLER: fn.handler,
    AWS_REGION: where.region,
    ...(identity.executionEnv
      ? { AWS_EXECUTION_ENV: identity.executionEnv }
      : {}),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: identity.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.name),
    AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
    AWS_ACCESS_KEY_ID: platform.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: platform.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: platform.credentials.sessionToken,
    AWS_LAMBDA_RUNTIME_API: identity.runtimeApi,
    LAMBDA_TASK_ROOT: identity.codeDir,
    LAMBDA_RUNTIME_DIR: identity.runtimeDir,
  };
  return { ...defaults, ...fn.environment, ...reserved };
}
