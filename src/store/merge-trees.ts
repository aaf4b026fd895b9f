import {
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readlink,
  rm,
  symlink,
} from "node:fs/promises";
import path from "node:path";

/**
 * Lays unpacked trees over each other into `target`, in order, as Lambda
 * extracts a function's layers into /opt: a later tree's file replaces an
 * earlier one's at the same path. Files are hard links where the trees and
 * `target` share a file system, so a merge costs no copying; copies elsewhere.
 */
export async function mergeTrees(
  sources: string[],
  target: string,
): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const source of sources) await overlay(source, target);
}

/** The bytes of the regular files under `dir`, as unpacked code is counted. */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeSize(entryPath);
    else if (entry.isFile()) total += (await lstat(entryPath)).size;
  }
  return total;
}

async function overlay(source: string, target: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    const existing = await lstat(to).catch(() => undefined);
    if (entry.isDirectory()) {
      if (existing && !existing.isDirectory()) await rm(to);
      if (!existing?.isDirectory()) await mkdir(to);
      await overlay(from, to);
      continue;
    }
    if (existing) await rm(to, { recursive: true });
    if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
    else if (entry.isFile()) await linkOrCopy(from, to);
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== "EXDEV") throw err;
    await copyFile(from, to);
  });
}
