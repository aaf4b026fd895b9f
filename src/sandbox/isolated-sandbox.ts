import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  removeSoon,
  type CgroupLimits,
  type EnvironmentCgroup,
} from "./cgroup.js";
import { exitFromStatus } from "./exit-status.js";
import { writeRootSkeleton } from "./root-skeleton.js";
import { closePipes, pipesOf, stdioFor } from "./process-pipes.js";
import type {
  Sandbox,
  SandboxExit,
  SandboxPaths,
  SandboxSpec,
  SandboxedProcess,
} from "./sandbox.js";

/** The script that builds an environment's root inside its namespaces. */
const ENTER_ROOT = fileURLToPath(
  new URL("../../../src/sandbox/enter-root.sh", import.meta.url),
);

/** The unprivileged user and group functions run as (AWS's sbx_user1051). */
const SANDBOX_UID = 993;
const SANDBOX_GID = 990;

/** Host programs the isolated sandbox starts environments with. */
export interface IsolationTools {
  unshare: string;
  tini: string;
}

/**
 * The isolated sandbox, for Linux hosts where Lambkin runs as root: each
 * environment gets its own mount, PID, IPC and UTS namespaces with tini as
 * PID 1, a root of its own (code at /var/task and the runtime at /var/runtime,
 * read-only; a private /tmp of EphemeralStorage size), an unprivileged user,
 * and a cgroup that caps memory, CPU and pids and freezes it between
 * invocations. Ending PID 1 ends the whole tree.
 */
export class IsolatedSandbox implements Sandbox {
  readonly isolation: string;
  readonly isolatesNetwork = true;

  private readonly mountPoint: string;
  private readonly skeleton: string;

  /**
   * `workDir` is a host folder of the sandbox's own: it holds the skeleton of
   * every root, and an empty folder each environment mounts its root over,
   * privately. `newCgroup` makes one environment's cgroup.
   */
  constructor(
    private readonly tools: IsolationTools,
    workDir: string,
    private readonly newCgroup: (limits: CgroupLimits) => EnvironmentCgroup,
    cgroupVersion: 1 | 2,
  ) {
    this.isolation =
      "isolated: mount, PID, IPC and UTS namespaces (and a network namespace for functions " +
      "in a VPC), an unprivileged user, a private root and /tmp, and cgroup " +
      `v${cgroupVersion} limits on memory, CPU and pids; freezing between invocations`;
    this.mountPoint = path.join(workDir, "root");
    this.skeleton = path.join(workDir, "skeleton");
    mkdirSync(this.mountPoint, { recursive: true });
    writeRootSkeleton(this.skeleton, { uid: SANDBOX_UID, gid: SANDBOX_GID });
  }

  paths(): SandboxPaths {
    return { codeDir: "/var/task", runtimeDir: "/var/runtime", optDir: "/opt" };
  }

  start(spec: SandboxSpec): SandboxedProcess {
    // 1. A cgroup with the function's limits, joined before anything runs.
    const cgroup = this.newCgroup({ memoryMb: spec.memoryMb });
    // Limitation: outside a VPC an environment shares the host's network
    // namespace: it reaches the network, as on Lambda, but also local ports.
    const args = [
      "-c",
      'IFS=:; for procs in $1; do echo $$ > "$procs"; done; shift; exec "$@"',
      "join-cgroup",
      cgroup.procsFiles().join(":"),
      this.tools.unshare,
      "--mount",
      "--pid",
      "--ipc",
      "--uts",
      "--fork",
      "--kill-child",
      ...(spec.offline ? ["--net"] : []),
      "--",
      this.tools.tini,
      "-s",
      "--",
      "/bin/sh",
      ENTER_ROOT,
      this.mountPoint,
      this.skeleton,
      spec.codeDir,
      spec.runtimeDir,
      spec.providedModulesDir,
      spec.layersDir ?? "-",
      String(spec.ephemeralStorageMb),
      String(SANDBOX_UID),
      String(SANDBOX_GID),
      spec.offline?.runtimeApiSocket ?? "-",
      spec.offline?.apiSocket ?? "-",
      "--",
      spec.command,
      ...spec.args,
    ];
    // 2. The namespaces, PID 1 and the new root; the bootstrap starts last.
    const child = spawn("/bin/sh", args, {
      env: spec.env,
      stdio: stdioFor(spec),
    });
    const pipes = pipesOf(child, spec);
    const pid = child.pid;
    if (pid === undefined) {
      cgroup.remove();
      throw new Error(`could not start the sandbox for ${spec.command}`);
    }
    let peakMb = 0;
    const samplePeak = () => (peakMb = Math.max(peakMb, cgroup.peakMemoryMb()));
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once("exit", (code, signal) => {
        samplePeak();
        const outOfMemory = cgroup.outOfMemory();
        void removeSoon(cgroup).then(() =>
          resolve({ ...signalled(code, signal), outOfMemory }),
        );
      });
    });
    return {
      pid,
      ...pipes,
      exited,
      kill: () => {
        // 3. Killing unshare kills PID 1, and with it the whole namespace.
        child.kill("SIGKILL");
        cgroup.remove();
        closePipes(pipes);
      },
      peakMemoryMb: samplePeak,
      initFinished: () => cgroup.limitCpu(),
      freeze: () => cgroup.freeze(),
      thaw: () => cgroup.thaw(),
    };
  }
}

/** tini reports a child killed by signal N as exit code 128 + N. */
function signalled(
  code: number | null,
  signal: NodeJS.Signals | null,
): Pick<SandboxExit, "code" | "signal"> {
  return signal || code === null ? { code, signal } : exitFromStatus(code);
}
