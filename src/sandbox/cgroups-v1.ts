import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CFS_PERIOD_US,
  CGROUP_ROOT as ROOT,
  cpuQuotaUs,
  PIDS_MAX,
  sweepStaleServerDirs,
  tryRmdir,
  type CgroupLimits,
  type EnvironmentCgroup,
} from "./cgroup.js";

const CONTROLLERS = ["memory", "cpu", "pids", "freezer"] as const;
type Controller = (typeof CONTROLLERS)[number];

/** Removes the v1 cgroups of Lambkin servers that are gone. */
export function sweepStaleCgroupsV1(parent: string): void {
  for (const controller of CONTROLLERS) {
    sweepStaleServerDirs(path.join(ROOT, controller, parent));
  }
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
export class CgroupV1 implements EnvironmentCgroup {
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
    this.cpuQuotaUs = cpuQuotaUs(limits.memoryMb);
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

  remove(): boolean {
    if (this.removed) return true;
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
    this.removed = Object.values(this.dirs).every(tryRmdir);
    return this.removed;
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
