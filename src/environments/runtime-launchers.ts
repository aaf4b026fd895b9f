import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  runtimeSupport,
  runtimeVersionArn,
  type Region,
  type RuntimeFamily,
} from "../model/index.js";
import type { SandboxPaths } from "../sandbox/index.js";
import type { LaunchFailure } from "./invocation.js";
import { realPathInside } from "./tree-paths.js";

/** How to start the bootstrap of a runtime, and what to tell the function's log. */
export interface RuntimeLaunch {
  family: RuntimeFamily;
  /**
   * The interpreter that runs `runtimeDir/bootstrapFile` (a path that is the
   * same inside the sandbox), or undefined for a custom runtime, whose own
   * executable `bootstrap` in the function's code is started.
   */
  interpreter?: string;
  /** The host folder of Lambkin's bootstrap for this runtime, LAMBDA_RUNTIME_DIR. */
  runtimeDir: string;
  bootstrapFile: string;
  /** Arguments after the bootstrap file, for the runtime's own use. */
  bootstrapArgs: string[];
  /**
   * AWS_EXECUTION_ENV, naming the runtime that really runs (the host's
   * version); undefined for custom runtimes, which AWS gives none.
   */
  executionEnv?: string;
  /** The INIT_START line of a new environment. */
  initStartLine: string;
  /** Lines written once per environment, such as a runtime version mismatch. */
  notices: string[];
}

const RUNTIMES_DIR = fileURLToPath(new URL("../runtimes/", import.meta.url));
const NODE_BOOTSTRAP = path.join(RUNTIMES_DIR, "nodejs", "bootstrap.js");
/** Python bootstraps are not compiled: they run from the source tree. */
const PYTHON_RUNTIME_DIR = fileURLToPath(
  new URL("../../../src/runtimes/python/", import.meta.url),
);
/** The host's Python, inside /usr so that the isolated sandbox shows it too. */
const HOST_PYTHON = "/usr/bin/python3";

let hostPythonVersion: string | undefined;

/** `3.11.2`: the version of the host's Python, asked once. */
function pythonVersion(): string {
  hostPythonVersion ??= spawnSync(HOST_PYTHON, [
    "-c",
    "import sys; print('%d.%d.%d' % sys.version_info[:3])",
  ])
    .stdout.toString()
    .trim();
  return hostPythonVersion;
}

/** Why a runnable runtime cannot run on this host, or undefined if it can. */
export function missingInterpreter(runtime: string): string | undefined {
  const support = runtimeSupport(runtime);
  if (
    support.kind === "runnable" &&
    support.family === "python" &&
    !existsSync(HOST_PYTHON)
  ) {
    return (
      `This Lambkin host has no Python interpreter at ${HOST_PYTHON} to run ${runtime}; ` +
      "install python3 (Debian: apt-get install python3)."
    );
  }
  return undefined;
}

/**
 * The program that starts an environment's runtime: Lambkin's bootstrap on
 * the runtime's interpreter, or a custom runtime's own `bootstrap`, where
 * Lambda looks for it: in /var/task, else in /opt (from a layer). A custom
 * runtime with no bootstrap, or one that cannot be executed, gets the
 * failure AWS reports instead.
 */
export function bootstrapCommand(
  launch: RuntimeLaunch,
  trees: { codeDir: string; layersDir?: string },
  inside: SandboxPaths,
): { command: string; args: string[] } | LaunchFailure {
  if (launch.interpreter) {
    return {
      command: launch.interpreter,
      args: [
        path.posix.join(inside.runtimeDir, launch.bootstrapFile),
        ...launch.bootstrapArgs,
      ],
    };
  }
  const places = [
    { tree: trees.codeDir, dir: inside.codeDir },
    { tree: trees.layersDir, dir: inside.optDir },
  ];
  for (const { tree, dir } of places) {
    const found = tree && realPathInside(tree, "bootstrap");
    if (!found) continue;
    const command = path.posix.join(dir, "bootstrap");
    if (!isExecutableFile(found)) {
      return {
        errorType: "Runtime.InvalidEntrypoint",
        reason: `fork/exec ${command}: permission denied`,
      };
    }
    return { command, args: [] };
  }
  return {
    errorType: "Runtime.InvalidEntrypoint",
    reason:
      "Couldn't find valid bootstrap(s): " +
      `[${places.map(({ dir }) => `${dir}/bootstrap`).join(" ")}]`,
  };
}

/** Whether a host file is a regular file that the sandbox user may execute. */
export function isExecutableFile(file: string): boolean {
  const stat = statSync(file);
  return stat.isFile() && (stat.mode & 0o111) !== 0;
}

/** The launch of a runtime Lambkin can run; callers validated the runtime before. */
export function launchFor(runtime: string, where: Region): RuntimeLaunch {
  const support = runtimeSupport(runtime);
  if (support.kind !== "runnable")
    throw new Error(`runtime ${runtime} cannot be launched`);
  const versionArn = runtimeVersionArn(where.region, runtime);
  const initStart = (version: string) =>
    `INIT_START Runtime Version: ${version}\tRuntime Version ARN: ${versionArn}`;
  const mismatch = (language: string, host: string) =>
    `Lambkin: this function's runtime is ${runtime}, but this environment runs on the ` +
    `host's ${language} ${host}.`;
  switch (support.family) {
    case "nodejs": {
      const [major, minor] = process.versions.node.split(".");
      return {
        family: "nodejs",
        interpreter: process.execPath,
        runtimeDir: path.dirname(NODE_BOOTSTRAP),
        bootstrapFile: path.basename(NODE_BOOTSTRAP),
        bootstrapArgs: [],
        executionEnv: `AWS_Lambda_nodejs${major}.x`,
        initStartLine: initStart(`nodejs:${major}.v${minor}`),
        notices:
          major === support.version
            ? []
            : [mismatch("Node.js", process.version)],
      };
    }
    case "python": {
      const version = pythonVersion();
      const [major, minor, patch] = version.split(".");
      return {
        family: "python",
        interpreter: HOST_PYTHON,
        runtimeDir: PYTHON_RUNTIME_DIR,
        bootstrapFile: "bootstrap.py",
        // The declared runtime, whose layer folders the bootstrap also searches.
        bootstrapArgs: [runtime],
        executionEnv: `AWS_Lambda_python${major}.${minor}`,
        initStartLine: initStart(`python:${major}.${minor}.v${patch}`),
        notices:
          `${major}.${minor}` === support.version
            ? []
            : [mismatch("Python", version)],
      };
    }
    case "provided":
      return {
        family: "provided",
        runtimeDir: RUNTIMES_DIR,
        bootstrapFile: "bootstrap",
        bootstrapArgs: [],
        initStartLine: initStart(`${runtime}.v1`),
        notices: [],
      };
  }
}
