import { createWriteStream } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";

/** Why an archive could not be unpacked. */
export class UnzipError extends Error {
  constructor(
    readonly reason: "not-a-zip" | "too-large",
    message: string,
  ) {
    super(message);
    this.name = "UnzipError";
  }
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Unpacks a zip held in memory into `targetDir`, refusing entries that would
 * land outside it and stopping once `maxBytes` have been written.
 * @example await unzipInto(zipBytes, "/data/code/abc", 262144000)
 */
export async function unzipInto(
  zip: Buffer,
  targetDir: string,
  maxBytes: number,
): Promise<number> {
  const archive = await openZip(zip);
  let written = 0;
  try {
    for (
      let entry = await nextEntry(archive);
      entry;
      entry = await nextEntry(archive)
    ) {
      written += entry.uncompressedSize;
      if (written > maxBytes) {
        throw new UnzipError(
          "too-large",
          `unpacked size passes ${maxBytes} bytes`,
        );
      }
      await extractEntry(archive, entry, targetDir);
    }
  } finally {
    archive.close();
  }
  return written;
}

function openZip(zip: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      zip,
      { lazyEntries: true, validateEntrySizes: true },
      (err, archive) => {
        if (err || !archive)
          reject(new UnzipError("not-a-zip", String(err?.message)));
        else resolve(archive);
      },
    );
  });
}

function nextEntry(archive: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry): void => {
      archive.off("end", onEnd).off("error", onError);
      resolve(entry);
    };
    const onEnd = (): void => {
      archive.off("entry", onEntry).off("error", onError);
      resolve(undefined);
    };
    const onError = (err: Error): void => {
      archive.off("entry", onEntry).off("end", onEnd);
      reject(new UnzipError("not-a-zip", err.message));
    };
    archive.once("entry", onEntry).once("end", onEnd).once("error", onError);
    archive.readEntry();
  });
}

async function extractEntry(
  archive: ZipFile,
  entry: Entry,
  targetDir: string,
): Promise<void> {
  const destination = insideOrFail(targetDir, entry.fileName);
  if (entry.fileName.endsWith("/")) {
    await mkdir(destination, { recursive: true });
    return;
  }
  await mkdir(path.dirname(destination), { recursive: true });
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const content = await openEntry(archive, entry);
  if ((unixMode & S_IFMT) === S_IFLNK) {
    const target = (await readAll(content)).toString("utf8");
    insideOrFail(targetDir, path.join(path.dirname(entry.fileName), target));
    await symlink(target, destination);
    return;
  }
  const executable = (unixMode & 0o111) !== 0;
  await pipeline(
    content,
    createWriteStream(destination, { mode: executable ? 0o755 : 0o644 }),
  );
}

function insideOrFail(root: string, relative: string): string {
  const resolved = path.resolve(root, relative);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new UnzipError(
      "not-a-zip",
      `entry ${relative} escapes the archive's folder`,
    );
  }
  return resolved;
}

function openEntry(
  archive: ZipFile,
  entry: Entry,
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    archive.openReadStream(entry, (err, stream) => {
      if (err || !stream)
        reject(new UnzipError("not-a-zip", String(err?.message)));
      else resolve(stream);
    });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
