import type { SandboxPaths } from "../sandbox/index.js";
import {
  findExternalExtensions,
  launchWithExtensions,
} from "./external-extensions.js";
import type { LaunchFailure } from "./invocation.js";
import { bootstrapCommand, type RuntimeLaunch } from "./runtime-launchers.js";

/** What an environment's sandbox starts, and how many extensions come first. */
export interface LaunchPlan {
  command: string;
  args: string[];
  /**
   * The external extensions started before the runtime, by their paths
   * inside. With any, the runtime waits for a line on standard input,
   * written once they have all registered, and the reports of their ends
   * come on file descriptor 3 (`extensionExit` reads them).
   */
  extensions: string[];
  /** Set when Lambda could not start the runtime or an extension. */
  failure?: LaunchFailure;
}

/**
 * The runtime's bootstrap, behind the launcher of the function's external
 * extensions when it has some. When Lambda could not start them, the plan
 * is a program that exits at once, so that init fails the way it does when
 * a bootstrap dies, and carries the failure AWS reports. Extensions are
 * looked at first, as Lambda starts them first.
 */
export function planLaunch(
  launch: RuntimeLaunch,
  trees: { codeDir: string; layersDir?: string },
  inside: SandboxPaths,
): LaunchPlan {
  const extensions = findExternalExtensions(trees.layersDir, inside.optDir);
  if ("errorType" in extensions) return failed(extensions);
  const bootstrap = bootstrapCommand(launch, trees, inside);
  if ("errorType" in bootstrap) return failed(bootstrap);
  if (extensions.length === 0) return { ...bootstrap, extensions };
  return { ...launchWithExtensions(bootstrap, extensions), extensions };
}

const failed = (failure: LaunchFailure): LaunchPlan => ({
  command: "/bin/false",
  args: [],
  extensions: [],
  failure,
});
