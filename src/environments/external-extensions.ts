import { readdirSync } from "node:fs";
import path from "node:path";
import { LIMITS } from "../model/index.js";
import { exitFromStatus } from "../sandbox/index.js";
import type { LaunchFailure } from "./invocation.js";
import { terminationText } from "./platform-errors.js";
import { isExecutableFile } from "./runtime-launchers.js";
import { realPathInside } from "./tree-paths.js";

/** Variables AWS leaves out of an external extension's environment. */
const HIDDEN_FROM_EXTENSIONS = [
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_XRAY_CONTEXT_MISSING",
  "AWS_XRAY_DAEMON_ADDRESS",
  "LAMBDA_RUNTIME_DIR",
  "LAMBDA_TASK_ROOT",
  "_AWS_XRAY_DAEMON_ADDRESS",
  "_AWS_XRAY_DAEMON_PORT",
  "_HANDLER",
];

/**
 * Run inside the environment as `sh -c LAUNCHER extensions N PATH... COMMAND...`:
 * starts the N extensions at PATH... in the background, then waits for one
 * line on standard input, which Lambkin writes once they have all
 * registered, and only then becomes the runtime's bootstrap, as Lambda
 * orders the two. The extensions read nothing: that line is the runtime's.
 * When an extension ends, "INDEX STATUS" goes to file descriptor 3, which
 * neither the extensions nor the runtime keep open.
 */
const LAUNCHER = `count=$1
shift
index=0
while [ "$index" -lt "$count" ]; do
  { env ${HIDDEN_FROM_EXTENSIONS.map((name) => `-u ${name}`).join(" ")} "$1" </dev/null 3>&-
    echo "$index $?" >&3; } &
  shift
  index=$((index + 1))
done
exec 3>&-
read -r _ || exit 1
exec "$@" </dev/null`;

/**
 * The external extensions of a function, as Lambda finds them: every entry
 * of /opt/extensions that is not a folder, in name order, dot-files too.
 * Their paths are the ones inside the sandbox (`optDir`). More than Lambda
 * allows, or one that cannot be executed, is the failure AWS reports.
 */
export function findExternalExtensions(
  layersDir: string | undefined,
  optDir: string,
): string[] | LaunchFailure {
  const dir = layersDir && realPathInside(layersDir, "extensions");
  if (!dir) return [];
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
  if (names.length > LIMITS.extensionsPerFunction) {
    // Our wording: AWS's message for this failure is not on record.
    return {
      errorType: "Extension.LaunchError",
      reason:
        `${names.length} extensions in ${optDir}/extensions; ` +
        `a function may have at most ${LIMITS.extensionsPerFunction}`,
    };
  }
  for (const name of names) {
    const found = realPathInside(layersDir, path.join("extensions", name));
    if (!found || !isExecutableFile(found)) {
      const why = found ? "permission denied" : "no such file or directory";
      return {
        errorType: "Extension.LaunchError",
        reason: `fork/exec ${optDir}/extensions/${name}: ${why}`,
      };
    }
  }
  return names.map((name) => `${optDir}/extensions/${name}`);
}

/** The command that starts `extensions` (paths inside the sandbox), then the bootstrap. */
export function launchWithExtensions(
  bootstrap: { command: string; args: string[] },
  extensions: string[],
): { command: string; args: string[] } {
  return {
    command: "/bin/sh",
    args: [
      "-c",
      LAUNCHER,
      "extensions",
      String(extensions.length),
      ...extensions,
      bootstrap.command,
      ...bootstrap.args,
    ],
  };
}

/**
 * The extension a line of the launcher's reports says has ended, by its
 * file name (the name it registers under), and AWS's words for how.
 */
export function extensionExit(
  report: string,
  extensions: string[],
): { name: string; reason: string } | undefined {
  const match = /^(\d+) (\d+)$/.exec(report);
  const extension = match ? extensions[Number(match[1])] : undefined;
  if (!match || extension === undefined) return undefined;
  const status = Number(match[2]);
  return {
    name: path.posix.basename(extension),
    reason:
      status === 0 ? "exit code 0" : terminationText(exitFromStatus(status)),
  };
}
