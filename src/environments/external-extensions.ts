import { readdirSync, statSync } from "node:fs";
import path from "node:path";

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
 * Run inside the environment as `sh -c LAUNCHER extensions DIR COMMAND...`:
 * starts every executable in DIR in the background, then waits for one line
 * on standard input, which Lambkin writes once they have all registered, and
 * only then becomes the runtime's bootstrap, as Lambda orders the two.
 */
const LAUNCHER = `dir=$1
shift
for extension in "$dir"/*; do
  if [ -f "$extension" ] && [ -x "$extension" ]; then
    env ${HIDDEN_FROM_EXTENSIONS.map((name) => `-u ${name}`).join(" ")} "$extension" &
  fi
done
read -r _ || exit 1
exec "$@" </dev/null`;

/**
 * How many external extensions a function's layers hold: the executable
 * files in `/opt/extensions`, seen from the host.
 */
export function countExternalExtensions(layersDir: string | undefined): number {
  if (!layersDir) return 0;
  const dir = path.join(layersDir, "extensions");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  return names.filter((name) => {
    try {
      const stat = statSync(path.join(dir, name));
      return stat.isFile() && (stat.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  }).length;
}

/** The command that starts the extensions in `extensionsDir`, then the bootstrap. */
export function launchWithExtensions(
  bootstrap: { command: string; args: string[] },
  extensionsDir: string,
): { command: string; args: string[] } {
  return {
    command: "/bin/sh",
    args: [
      "-c",
      LAUNCHER,
      "extensions",
      extensionsDir,
      bootstrap.command,
      ...bootstrap.args,
    ],
  };
}
