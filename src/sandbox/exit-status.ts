import { constants } from "node:os";
import type { SandboxExit } from "./sandbox.js";

/**
 * A process's end from the status a shell or tini reports for it, where
 * 128 + N means that signal N killed it.
 * @example exitFromStatus(137) // { code: null, signal: "SIGKILL" }
 */
export function exitFromStatus(
  status: number,
): Pick<SandboxExit, "code" | "signal"> {
  if (status <= 128) return { code: status, signal: null };
  const name = Object.entries(constants.signals).find(
    ([, n]) => n === status - 128,
  )?.[0];
  return name
    ? { code: null, signal: name as NodeJS.Signals }
    : { code: status, signal: null };
}
