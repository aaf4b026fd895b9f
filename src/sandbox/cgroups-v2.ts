import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CFS_PERIOD_US,
  CGROUP_ROOT,
  cpuQuotaUs,
  PIDS_MAX,
  sweepStaleServerDirs,
  tryRmdir,
  type CgroupLimits,
  type EnvironmentCgroup,
} from "./cgroup.js";

const CONTROLLERS = ["memory", "cpu", "pids"];

/** Whether `root` is a cgroup v2 hierarchy offering memory, cpu and pids. */
export function hasCgroupsV2(root = CGROUP_ROOT): boolean {
  try {
    const offered = readFileSync(
      path.join(root, "cgroup.controllers"),
      "utf8",
    ).split(/\s+/);
    return CONTROLLERS.every((controller) => offered.includes(controller));
  } catch {
    return false;
  }
}

/** Removes the v2 cgroups of Lambkin servers that are gone. */
export function sweepStaleCgroupsV2(parent: string, root = CGROUP_ROOT): void {
  sweepStaleServerDirs(path.join(root, parent));
}

/**
 * One environment's cgroup in a v2 hierarchy: memory.max at MemorySize,
 * cpu.max in proportion to it, pids.max, and cgroup.freeze. Each folder on
 * the way down hands the controllers on through cgroup.subtree_control.
 */
// Limitation: written for cgroup v2 hosts, but tested only against a folder
// laid out like one; the hosts Lambkin is developed on run cgroup v1.
export class CgroupV2 implements EnvironmentCgroup {
  private readonly dir: string;
  private readonly cpuQuotaUs: number;
  private removed = false;

  constructor(parent: string, limits: CgroupLimits, root = CGROUP_ROOT) {
    let ancestor = root;
    for (const part of parent.split("/")) {
      enableControllers(ancestor);
      ancestor = path.join(ancestor, part);
      mkdirSync(ancestor, { recursive: true });
    }
    enableControllers(ancestor);
    this.dir = path.join(ancestor, `env-${randomBytes(8).toString("hex")}`);
    mkdirSync(this.dir);
    this.write("memory.max", String(limits.memoryMb * 1024 * 1024));
    if (existsSync(path.join(this.dir, "memory.swap.max")))
      this.write("memory.swap.max", "0");
    this.write("pids.max", String(PIDS_MAX));
    this.cpuQuotaUs = cpuQuotaUs(limits.memoryMb);
  }

  procsFiles(): string[] {
    return [path.join(this.dir, "cgroup.procs")];
  }

  peakMemoryMb(): number {
    // memory.peak needs Linux 5.19; before it, the current use is the best there is.
    const bytes = Number(
      this.read("memory.peak") ?? this.read("memory.current") ?? 0,
    );
    return Math.ceil(bytes / (1024 * 1024));
  }

  outOfMemory(): boolean {
    const kills = /^oom_kill (\d+)$/m.exec(this.read("memory.events") ?? "");
    return kills !== null && Number(kills[1]) > 0;
  }

  limitCpu(): void {
    if (!this.removed)
      this.write("cpu.max", `${this.cpuQuotaUs} ${CFS_PERIOD_US}`);
  }

  freeze(): void {
    if (!this.removed) this.write("cgroup.freeze", "1");
  }

  thaw(): void {
    if (!this.removed) this.write("cgroup.freeze", "0");
  }

  remove(): boolean {
    if (this.removed) return true;
    if (existsSync(path.join(this.dir, "cgroup.kill")))
      this.write("cgroup.kill", "1");
    else this.killListed();
    this.removed = tryRmdir(this.dir);
    return this.removed;
  }

  private killListed(): void {
    this.thaw();
    for (const pid of (this.read("cgroup.procs") ?? "")
      .split("\n")
      .filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // Gone already.
      }
    }
  }

  private write(file: string, value: string): void {
    writeFileSync(path.join(this.dir, file), value);
  }

  private read(file: string): string | undefined {
    try {
      return readFileSync(path.join(this.dir, file), "utf8").trim();
    } catch {
      return undefined;
    }
  }
}

/** Lets a folder's children use memory, cpu and pids. */
function enableControllers(dir: string): void {
  writeFileSync(
    path.join(dir, "cgroup.subtree_control"),
    CONTROLLERS.map((controller) => `+${controller}`).join(" "),
  );
}
