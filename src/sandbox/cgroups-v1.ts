import { randomBytes } from "node:crypto";
import {
  existsSync,
  readdirSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

const ROOT = "/sys/fs/cgroup";
const CONTROLLERS = ["memory", "cpu", "pids", "freezer"] as const;
type Controller = (typeof CONTROLLERS)[number];

/** Lambda gives one vCPU at 1,769 MB and CPU in proportion below and above. */
const MB_PER_VCPU = 1769;
// A short period keeps a throttled environment's stalls short (at most the
// period), while the smallest quota the kernel takes (1 ms) still fits 128 MB.
const CFS_PERIOD_US = 20_000;
/** Lambda's limit on processes and threads per environment. */
const PIDS_MAX = 1024;

/**
 * Removes the cgroups of Lambkin servers that are gone (killed before they
 * could clean up): folders `<parent>/server-<pid>` whose process no longer runs.
 */
export function sweepStaleCgroups(parent: string): void {
  for (const controller of CONTROLLERS) {
    const base = path.join(ROOT, controller, parent);
    for (const server of listOrNothing(base)) {
      const pid = /^server-(\d+)$/.exec(server)?.[1];
      if (!pid || processRuns(Number(pid))) continue;
      // Another server starting now may sweep the same folders: a folder
      // already gone is fine.
      const serverDir = path.join(base, server);
      for (const env of listOrNothing(serverDir)) {
        if (env.startsWith("env-")) tryRmdir(path.join(serverDir, env));
      }
      tryRmdir(serverDir);
    }
  }
}

function listOrNothing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** The limits one environment's cgroup enforces. */
export interface CgroupLimits {
  memoryMb: number;
}

/** Whether this host has the cgroup v1 controllers an environment needs. */
export function hasCgroupsV1(): boolean {
  return CONTROLLERS.every((controller) =>
    existsSync(path.join(ROOT, controller, "tasks")),
  );
}

/**
 * One environment's cgroup in each v1 controller: memory capped at the
 * function's MemorySize, CPU in proportion to it, a pids limit, and a freezer.
 */
export class CgroupV1 {
  private readonly dirs: Record<Controller, string>;
  private removed = false;
  private readonly cpuQuotaUs: number;

  constructor(parent: string, limits: CgroupLimits) {
    const name = `env-${randomBytes(8).toString("hex")}`;
    this.dirs = Object.fromEntries(
      CONTROLLERS.map((controller) => [
        controller,
        path.join(ROOT, controller, parent, name),
      ]),
    ) as Record<Controller, string>;
    for (const dir of Object.values(this.dirs))
      mkdirSync(dir, { recursive: true });
    const bytes = String(limits.memoryMb * 1024 * 1024);
    this.write("memory", "memory.limit_in_bytes", bytes);
    if (
      existsSync(path.join(this.dirs.memory, "memory.memsw.limit_in_bytes"))
    ) {
      this.write("memory", "memory.memsw.limit_in_bytes", bytes);
    }
    this.write("pids", "pids.max", String(PIDS_MAX));
    this.cpuQuotaUs = Math.max(
      1000,
      Math.round((CFS_PERIOD_US * limits.memoryMb) / MB_PER_VCPU),
    );
  }

  /**
   * Caps CPU in proportion to memory. Called once init is over: like Lambda,
   * the init phase runs with the host's full CPU.
   */
  limitCpu(): void {
    if (this.removed) return;
    this.write("cpu", "cpu.cfs_period_us", String(CFS_PERIOD_US));
    this.write("cpu", "cpu.cfs_quota_us", String(this.cpuQuotaUs));
  }

  /** The `cgroup.procs` files a process writes its pid to, to join every controller. */
  procsFiles(): string[] {
    return Object.values(this.dirs).map((dir) =>
      path.join(dir, "cgroup.procs"),
    );
  }

  /** The highest memory use of the whole process tree so far, in MB. */
  peakMemoryMb(): number {
    const bytes = Number(this.read("memory", "memory.max_usage_in_bytes") ?? 0);
    return Math.ceil(bytes / (1024 * 1024));
  }

  /** Whether the kernel had to kill a process for passing the memory limit. */
  outOfMemory(): boolean {
    const control = this.read("memory", "memory.oom_control") ?? "";
    const kills = /^oom_kill (\d+)$/m.exec(control);
    if (kills) return Number(kills[1]) > 0;
    return Number(this.read("memory", "memory.failcnt") ?? 0) > 0;
  }

  /** Stops every process of the tree until `thaw`; timers do not fire meanwhile. */
  freeze(): void {
    if (!this.removed) this.write("freezer", "freezer.state", "FROZEN");
  }

  thaw(): void {
    if (!this.removed) this.write("freezer", "freezer.state", "THAWED");
  }

  /** Kills whatever is left in the cgroup and removes it; later calls do nothing. */
  remove(): void {
    if (this.removed) return;
    this.thaw();
    const pids = (this.read("pids", "cgroup.procs") ?? "")
      .split("\n")
      .filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    // Busy for a moment after a kill: the exit handler removes it again.
    this.removed = Object.values(this.dirs).every(tryRmdir);
  }

  private write(controller: Controller, file: string, value: string): void {
    writeFileSync(path.join(this.dirs[controller], file), value);
  }

  private read(controller: Controller, file: string): string | undefined {
    try {
      return readFileSync(path.join(this.dirs[controller], file), "utf8");
    } catch {
      return undefined;
    }
  }
}
