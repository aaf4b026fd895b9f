import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";

/**
 * Makes the folder `dir` with `build`, unless it already exists. `build`
 * fills a staging folder beside it, which is then renamed into place, so
 * that no reader ever sees a half-made tree; when another writer finishes
 * the same tree first, its copy is kept.
 */
export async function buildTreeOnce(
  dir: string,
  build: (staging: string) => Promise<void>,
): Promise<void> {
  if (existsSync(dir)) return;
  const staging = `${dir}.${randomUUID()}.partial`;
  await mkdir(staging, { recursive: true });
  try {
    await build(staging);
    await rename(staging, dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
