import { spawn } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { closePipes, pipesOf, stdioFor } from "./process-pipes.js";
import type {
  Sandbox,
  SandboxExit,
  SandboxPaths,
  SandboxSpec,
  SandboxedProcess,
} from "./sandbox.js";

/**
 * The process-only sandbox, for hosts without root, namespaces or cgroups:
 * each environment is a plain child process in its own process group, so
 * that ending it ends the children it started.
 */
export class ProcessSandbox implements Sandbox {
  readonly isolation: string;
  readonly isolatesNetwork = false;

  /** `reason` says why the isolated sandbox is not in use. */
  constructor(reason: string) {
    this.isolation =
      `process-only (${reason}): environments are plain child processes in their own ` +
      "process group, running as Lambkin's user; nothing enforces memory, CPU, pids or " +
      "/tmp size, and functions can see the host's files";
  }

  paths(
    trees: { codeDir: string; layersDir?: string },
    runtimeDir: string,
  ): SandboxPaths {
    // Limitation: with no mount namespace, layers are not at /opt but at
    // their host folder, which the runtimes are told through their paths.
    return {
      codeDir: trees.codeDir,
      runtimeDir,
      optDir: trees.layersDir ?? "/opt",
    };
  }

  start(spec: SandboxSpec): SandboxedProcess {
    linkProvidedModules(spec);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.codeDir,
      env: spec.env,
      detached: true,
      stdio: stdioFor(spec),
    });
    const pipes = pipesOf(child, spec);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${spec.command}`);
    let peakKb = 0;
    // 'exit', not 'close': a grandchild that inherited the pipes may keep them
    // open long after the bootstrap itself is gone.
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once("exit", (code, signal) =>
        resolve({ code, signal, outOfMemory: false }),
      );
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // Already gone.
      }
    };
    return {
      pid,
      ...pipes,
      exited,
      kill: () => {
        // Limitation: a child that left the process group (setsid, detached)
        // survives; the isolated sandbox's PID namespace ends those too.
        signalGroup("SIGKILL");
        closePipes(pipes);
      },
      peakMemoryMb: () => {
        peakKb = Math.max(peakKb, readPeakRssKb(pid));
        return Math.ceil(peakKb / 1024);
      },
      // Limitation: without cgroups the CPU share is not limited at all.
      initFinished: () => undefined,
      freeze: () => signalGroup("SIGSTOP"),
      thaw: () => signalGroup("SIGCONT"),
    };
  }
}

/**
 * Makes the provided SDK importable without bundling, as on AWS: a
 * `node_modules` link beside the code tree is searched by both `require` and
 * `import` after the function's own, at no start-up cost.
 */
function linkProvidedModules(spec: SandboxSpec): void {
  const link = path.join(path.dirname(spec.codeDir), "node_modules");
  try {
    symlinkSync(spec.providedModulesDir, link, "dir");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
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
