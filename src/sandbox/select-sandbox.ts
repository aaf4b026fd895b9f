import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CgroupV1, hasCgroupsV1, sweepStaleCgroupsV1 } from "./cgroups-v1.js";
import { CgroupV2, hasCgroupsV2, sweepStaleCgroupsV2 } from "./cgroups-v2.js";

/** The cgroup folder, under each controller, of all Lambkin servers. */
const CGROUP_PARENT = "lambkin";
import { IsolatedSandbox, type IsolationTools } from "./isolated-sandbox.js";
import { ProcessSandbox } from "./process-sandbox.js";
import type { Sandbox } from "./sandbox.js";

/** Which sandbox `lambkin serve --sandbox` asks for. */
export type SandboxMode = "auto" | "isolated" | "process";

const TOOLS: IsolationTools & Record<string, string> = {
  unshare: "/usr/bin/unshare",
  tini: "/usr/bin/tini",
  setpriv: "/usr/bin/setpriv",
  pivotRoot: "/usr/sbin/pivot_root",
  socat: "/usr/bin/socat",
  ip: "/usr/sbin/ip",
};

/**
 * The isolated sandbox where the host allows it (root, namespaces, cgroup v1
 * or v2, and the tools), else the process-only one with the reason in its
 * description. `isolated` fails instead of falling back.
 */
export function selectSandbox(mode: SandboxMode, dataDir: string): Sandbox {
  if (mode === "process")
    return new ProcessSandbox("chosen with --sandbox process");
  const missing = missingForIsolation();
  if (missing) {
    if (mode === "isolated") {
      throw new Error(`the isolated sandbox cannot run here: ${missing}`);
    }
    return new ProcessSandbox(missing);
  }
  const parent = path.join(CGROUP_PARENT, `server-${process.pid}`);
  const workDir = path.join(dataDir, "sandbox");
  if (hasCgroupsV1()) {
    sweepStaleCgroupsV1(CGROUP_PARENT);
    return new IsolatedSandbox(
      TOOLS,
      workDir,
      (limits) => new CgroupV1(parent, limits),
      1,
    );
  }
  sweepStaleCgroupsV2(CGROUP_PARENT);
  return new IsolatedSandbox(
    TOOLS,
    workDir,
    (limits) => new CgroupV2(parent, limits),
    2,
  );
}

/** Why the isolated sandbox cannot run on this host, or undefined if it can. */
function missingForIsolation(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not running as root";
  if (!hasCgroupsV1() && !hasCgroupsV2()) {
    return "neither cgroup v1 (memory, cpu, pids, freezer) nor v2 (memory, cpu, pids) controllers";
  }
  // Limitation: only /usr is mounted into environments, so the host's Node.js must live there.
  if (!process.execPath.startsWith("/usr/")) {
    return `Node.js is at ${process.execPath}, outside /usr`;
  }
  const absent = Object.values(TOOLS).filter((tool) => !existsSync(tool));
  if (absent.length > 0)
    return `missing ${absent.join(", ")} (Debian: util-linux, tini, socat, iproute2)`;
  const probe = spawnSync(TOOLS.unshare, [
    "--mount",
    "--pid",
    "--ipc",
    "--uts",
    "--fork",
    "true",
  ]);
  if (probe.status !== 0) return "the kernel refused new namespaces";
  return undefined;
}
