import type { SandboxExit } from "../sandbox/index.js";

/**
 * How Go prints a process's end, which AWS's messages quote:
 * `exit status 3`, `signal: killed`.
 */
export function terminationText(
  exit: Pick<SandboxExit, "code" | "signal">,
): string {
  return exit.signal !== null
    ? `signal: ${signalName(exit.signal)}`
    : `exit status ${exit.code}`;
}

/** Go's names for signals. */
function signalName(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: "killed",
    SIGTERM: "terminated",
    SIGSEGV: "segmentation fault",
    SIGABRT: "aborted",
  };
  return names[signal] ?? signal.toLowerCase();
}
