import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import {
  CgroupV2,
  hasCgroupsV2,
  sweepStaleCgroupsV2,
} from "../../src/sandbox/cgroups-v2.js";

// This machine has cgroup v1, so the v2 driver is checked against a folder
// laid out like a v2 hierarchy: what it writes is what the kernel would read.
describe("CgroupV2", () => {
  const root = mkdtempSync(path.join(tmpdir(), "lambkin-cgroup2-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(
    path.join(root, "cgroup.controllers"),
    "cpuset cpu io memory pids\n",
  );
  const read = (...parts: string[]) =>
    readFileSync(path.join(root, ...parts), "utf8");

  it("is found where memory, cpu and pids are offered", () => {
    assert.equal(hasCgroupsV2(root), true);
    assert.equal(hasCgroupsV2(path.join(root, "nowhere")), false);
  });

  it("hands the controllers down and sets the function's limits", () => {
    const cgroup = new CgroupV2("lambkin/server-1", { memoryMb: 256 }, root);
    assert.equal(read("cgroup.subtree_control"), "+memory +cpu +pids");
    assert.equal(
      read("lambkin", "server-1", "cgroup.subtree_control"),
      "+memory +cpu +pids",
    );
    const [procs] = cgroup.procsFiles();
    const envDir = path.dirname(procs!);
    assert.match(path.basename(envDir), /^env-[0-9a-f]{16}$/);
    assert.equal(
      readFileSync(path.join(envDir, "memory.max"), "utf8"),
      String(256 * 1024 * 1024),
    );
    assert.equal(readFileSync(path.join(envDir, "pids.max"), "utf8"), "1024");
    assert.equal(existsSync(path.join(envDir, "cpu.max")), false);
    cgroup.limitCpu();
    assert.equal(
      readFileSync(path.join(envDir, "cpu.max"), "utf8"),
      "2894 20000",
    );
    cgroup.freeze();
    assert.equal(readFileSync(path.join(envDir, "cgroup.freeze"), "utf8"), "1");
    cgroup.thaw();
    assert.equal(readFileSync(path.join(envDir, "cgroup.freeze"), "utf8"), "0");
  });

  it("reads the peak and whether the kernel killed for memory", () => {
    const cgroup = new CgroupV2("lambkin/server-2", { memoryMb: 512 }, root);
    const envDir = path.dirname(cgroup.procsFiles()[0]!);
    writeFileSync(
      path.join(envDir, "memory.events"),
      "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n",
    );
    assert.equal(cgroup.outOfMemory(), false);
    writeFileSync(
      path.join(envDir, "memory.events"),
      "low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n",
    );
    assert.equal(cgroup.outOfMemory(), true);
    writeFileSync(path.join(envDir, "memory.peak"), "157286400\n");
    assert.equal(cgroup.peakMemoryMb(), 150);
  });

  it("sweeps the empty cgroups of servers that are gone", () => {
    const stale = path.join(root, "lambkin", "server-999999999");
    mkdirSync(path.join(stale, "env-0000000000000000"), { recursive: true });
    sweepStaleCgroupsV2("lambkin", root);
    assert.equal(existsSync(stale), false);
  });
});
