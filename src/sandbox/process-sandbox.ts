import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type {
  Sandbox,
  SandboxExit,
  SandboxSpec,
  SandboxedProcess,
} from "./sandbox.js";

/**
 * The process-only sandbox: each environment is a plain child process in its
 * own process group, so that ending it ends the children it started.
 */
export class ProcessSandbox implements Sandbox {
  readonly isolation =
    "process-only: environments are plain child processes in their own process group; " +
    "no namespaces, no cgroup limits on memory, CPU or pids, /tmp is shared with the host";

  start(spec: SandboxSpec): SandboxedProcess {
    // Limitation: namespaces, cgroups and a private /tmp come with the isolated sandbox.
    const child = spawn(spec.command, spec.args, {
      cwd: spec.codeDir,
      env: spec.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Without a listener, a failed spawn's 'error' event would end Lambkin.
    child.once("error", () => undefined);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${spec.command}`);
    let peakKb = 0;
    // 'exit', not 'close': a grandchild that inherited the pipes may keep them
    // open long after the bootstrap itself is gone.
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    return {
      pid,
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      kill: () => {
        // Limitation: a child that left the process group (setsid, detached)
        // survives; a PID namespace ends those with the isolated sandbox.
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // Already gone.
        }
        child.stdout.destroy();
        child.stderr.destroy();
      },
      peakMemoryMb: () => {
        peakKb = Math.max(peakKb, readPeakRssKb(pid));
        return Math.ceil(peakKb / 1024);
      },
    };
  }
}

/** VmHWM, the peak resident set of a live process, in kB; 0 once it is gone. */
function readPeakRssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
