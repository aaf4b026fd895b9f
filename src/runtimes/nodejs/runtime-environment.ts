/** Settings the host hands the runtime through environment variables. */
export interface RuntimeEnvironment {
  /** `host:port` of the Runtime API. */
  runtimeApi: string;
  /** The configured handler string, e.g. `src/app.main.nested`. */
  handler: string;
  /** Absolute directory holding the function's code. */
  taskRoot: string;
  functionName: string;
  functionVersion: string;
  memorySize: string;
  logGroupName: string;
  logStreamName: string;
  /** NODE_PATH entries in search order. */
  nodePath: string[];
  /** `JSON` or `TEXT` (AWS_LAMBDA_LOG_FORMAT). */
  logFormat: "JSON" | "TEXT";
  /** Lowest level written (AWS_LAMBDA_LOG_LEVEL), if set. */
  logLevel: string | undefined;
}

/** Raised when the host started the runtime without a required variable. */
export class MissingEnvironmentError extends Error {
  constructor(readonly variable: string) {
    super(`${variable} is not set`);
    this.name = "MissingEnvironmentError";
  }
}

/** Reads the runtime's settings from `env`, failing on missing essentials. */
export function readRuntimeEnvironment(
  env: NodeJS.ProcessEnv,
): RuntimeEnvironment {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "") {
      throw new MissingEnvironmentError(name);
    }
    return value;
  };
  return {
    runtimeApi: required("AWS_LAMBDA_RUNTIME_API"),
    handler: required("_HANDLER"),
    taskRoot: env.LAMBDA_TASK_ROOT || process.cwd(),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? "",
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
    memorySize: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? "",
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? "",
    nodePath: (env.NODE_PATH ?? "").split(":").filter((dir) => dir !== ""),
    logFormat:
      env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === "JSON" ? "JSON" : "TEXT",
    logLevel: env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase(),
  };
}
