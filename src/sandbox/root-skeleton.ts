import {
  copyFileSync,
  existsSync,
  mkdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

/** The sandbox user and group, as named in the skeleton's /etc. */
export interface SandboxUser {
  uid: number;
  gid: number;
}

const FOLDERS = [
  ".old-root",
  "usr",
  "etc/ssl",
  "var/task",
  "var/runtime",
  "var/node_modules",
  "opt",
  "tmp",
  "proc",
  "dev/shm",
  "run/lambkin",
];
const LINKS: [string, string][] = [
  ["bin", "usr/bin"],
  ["sbin", "usr/sbin"],
  ["lib", "usr/lib"],
  ["lib64", "usr/lib64"],
  ["dev/fd", "/proc/self/fd"],
];
/** Files that only mark where something is mounted. */
const MOUNT_POINTS = [
  "dev/null",
  "dev/zero",
  "dev/random",
  "dev/urandom",
  "run/lambkin/runtime.sock",
  "run/lambkin/api.sock",
];
/** Host files a function may read, copied rather than mounted. */
const COPIED = ["ld.so.cache", "localtime", "resolv.conf"];

/**
 * Writes the skeleton of every environment's root once, at startup: folders,
 * links, mount points and a minimal /etc. Each environment copies it in one
 * step, which is much cheaper on a cold start than making it piece by piece.
 */
export function writeRootSkeleton(dir: string, user: SandboxUser): void {
  rmSync(dir, { recursive: true, force: true });
  for (const folder of FOLDERS)
    mkdirSync(path.join(dir, folder), { recursive: true });
  for (const [link, target] of LINKS) symlinkSync(target, path.join(dir, link));
  for (const file of MOUNT_POINTS) writeFileSync(path.join(dir, file), "");
  for (const file of COPIED) {
    if (existsSync(`/etc/${file}`))
      copyFileSync(`/etc/${file}`, path.join(dir, "etc", file));
  }
  writeFileSync(
    path.join(dir, "etc/passwd"),
    `root:x:0:0::/:/sbin/nologin\nsbx_user1051:x:${user.uid}:${user.gid}::/tmp:/sbin/nologin\n`,
  );
  writeFileSync(
    path.join(dir, "etc/group"),
    `root:x:0:\nsbx_user1051:x:${user.gid}:\n`,
  );
  writeFileSync(
    path.join(dir, "etc/hosts"),
    "127.0.0.1 localhost\n::1 localhost\n",
  );
}
