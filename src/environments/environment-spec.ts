import type { FunctionRecord } from "../model/index.js";
import { OFFLINE_ENDPOINTS, type SandboxSpec } from "../sandbox/index.js";
import type { EnvironmentDeps, FunctionTrees } from "./environment-deps.js";
import { environmentVariables } from "./environment-variables.js";
import { planLaunch, type LaunchPlan } from "./launch-plan.js";
import { launchFor, type RuntimeLaunch } from "./runtime-launchers.js";

/** Everything a new environment is started with. */
export interface EnvironmentSpec {
  launch: RuntimeLaunch;
  plan: LaunchPlan;
  sandbox: SandboxSpec;
  /** Whether the environment has no network and reaches its APIs by sockets. */
  offline: boolean;
}

/**
 * What to start for a function's new environment, and how: the runtime's
 * launch, the sandbox's spec with the function's process environment, and
 * the Runtime API's address as seen inside (`runtimeApi`, a host:port, or
 * a Unix socket path for an environment with no network).
 */
export function environmentSpec(
  fn: FunctionRecord,
  trees: FunctionTrees,
  deps: EnvironmentDeps,
  runtimeApi: string,
  logStreamName: string,
): EnvironmentSpec {
  const launch = launchFor(fn.runtime, deps.where);
  const inside = deps.sandbox.paths(trees, launch.runtimeDir);
  const { platform } = deps;
  const offline = runtimeApi.startsWith("/");
  const env = environmentVariables(
    {
      fn,
      version: "$LATEST",
      codeDir: inside.codeDir,
      runtimeDir: inside.runtimeDir,
      optDir: inside.optDir,
      runtimeApi: offline ? OFFLINE_ENDPOINTS.runtimeApi : runtimeApi,
      family: launch.family,
      executionEnv: launch.executionEnv,
      logStreamName,
    },
    deps.where,
    offline ? { ...platform, apiEndpoint: OFFLINE_ENDPOINTS.api } : platform,
  );
  // A custom runtime's own `bootstrap` runs directly; others run ours.
  const plan = planLaunch(launch, trees, inside);
  const withExtensions = plan.extensions.length > 0;
  return {
    launch,
    plan,
    offline,
    sandbox: {
      command: plan.command,
      args: plan.args,
      stdinPipe: withExtensions,
      reportPipe: withExtensions,
      env,
      ...trees,
      runtimeDir: launch.runtimeDir,
      providedModulesDir: deps.providedModulesDir,
      memoryMb: fn.memorySize,
      ephemeralStorageMb: fn.ephemeralStorage,
      offline: offline
        ? { runtimeApiSocket: runtimeApi, apiSocket: platform.apiSocket }
        : undefined,
    },
  };
}
