import { execFile } from "node:child_process";

/** How a command ended: its exit code (-1 when it never ran to an exit) and output. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and returns its exit code and output; never throws on failure. */
export function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { ...options, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          // Not an exit code: the command could not start, or was killed.
          resolve({ code: -1, stdout, stderr: `${stderr}\n${err.message}` });
        } else {
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
        }
      },
    );
  });
}
