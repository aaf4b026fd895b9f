import type { SandboxExit } from "../sandbox/index.js";
import type { InvocationOutcome } from "./invocation.js";

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

/** An error the platform reports for an invocation, as AWS shapes it. */
export function platformError(
  errorType: string,
  errorMessage: string,
): InvocationOutcome {
  return {
    payload: Buffer.from(JSON.stringify({ errorType, errorMessage })),
    errorType,
  };
}

/** The Runtime.ExitError AWS reports when the runtime exits. */
export function runtimeExitError(
  requestId: string,
  exit: SandboxExit,
): { errorType: string; errorMessage: string } {
  const reason =
    exit.signal === null && exit.code === 0
      ? "Runtime exited without providing a reason"
      : `Runtime exited with error: ${terminationText(exit)}`;
  // Limitation: the Runtime.OutOfMemory type AWS reports for this is unverified.
  return {
    errorType: exit.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError",
    errorMessage: `RequestId: ${requestId} Error: ${reason}`,
  };
}
