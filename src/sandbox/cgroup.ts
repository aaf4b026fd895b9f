import { readdirSync, rmdirSync } from "node:fs";
import path from "node:path";

/** Where the kernel shows cgroups. */
export const CGROUP_ROOT = "/sys/fs/cgroup";

/** Lambda gives one vCPU at 1,769 MB and CPU in proportion below and above. */
const MB_PER_VCPU = 1769;
// A short period keeps a throttled environment's stalls short (at most the
// period), while the smallest quota the kernel takes (1 ms) still fits 128 MB.
export const CFS_PERIOD_US = 20_000;
/** Lambda's limit on processes and threads per environment. */
export const PIDS_MAX = 1024;

/** The limits one environment's cgroup enforces. */
export interface CgroupLimits {
  memoryMb: number;
}

/** One environment's cgroup, whichever cgroup version drives it. */
export interface EnvironmentCgroup {
  /** The `cgroup.procs` files a process writes its pid to, to join it. */
  procsFiles(): string[];
  /** The highest memory use of the whole process tree so far, in MB. */
  peakMemoryMb(): number;
  /** Whether the kernel had to kill a process for passing the memory limit. */
  outOfMemory(): boolean;
  /** Caps CPU in proportion to memory; called once init is over. */
  limitCpu(): void;
  /** Stops every process of the tree until `thaw`; timers do not fire meanwhile. */
  freeze(): void;
  thaw(): void;
  /**
   * Kills whatever is left in the cgroup and removes it; true once it is
   * gone. Right after a kill the kernel may still hold it for a moment.
   */
  remove(): boolean;
}

/** The CFS quota, in microseconds per period, for a function's memory size. */
export function cpuQuotaUs(memoryMb: number): number {
  return Math.max(1000, Math.round((CFS_PERIOD_US * memoryMb) / MB_PER_VCPU));
}

/** The entries of a folder, or none if it is gone. */
function listOrNothing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes an empty folder; true if it is gone, false if still busy. */
export function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Whether a process with this pid is running. */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the folders `server-<pid>` under `base` whose server is gone, and
 * their environments' folders: a server killed before it could clean up
 * leaves them. Another server starting now may sweep the same folders, so
 * one already gone is fine.
 */
export function sweepStaleServerDirs(base: string): void {
  for (const name of listOrNothing(base)) {
    const pid = /^server-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || processRuns(Number(pid))) continue;
    const serverDir = path.join(base, name);
    for (const env of listOrNothing(serverDir)) {
      if (env.startsWith("env-")) tryRmdir(path.join(serverDir, env));
    }
    tryRmdir(serverDir);
  }
}

/** Removes a cgroup, retrying for up to `limitMs` while the kernel still holds it. */
export async function removeSoon(
  cgroup: EnvironmentCgroup,
  limitMs = 1000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cgroup.remove() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
