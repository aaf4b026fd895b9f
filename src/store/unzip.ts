import { createWriteStream } from "node:fs";
import { mkdir, realpath, symlink } from "node:fs/promises";
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

/** File-system errors that mean the archive's entries contradict each other. */
const CONFLICTING_ENTRIES = new Set([
  "EEXIST",
  "EISDIR",
  "ENOTDIR",
  "ENAMETOOLONG",
  "ELOOP",
]);

interface PendingLink {
  fileName: string;
  target: string;
}

/**
 * Unpacks a zip held in memory into `targetDir`, refusing entries that would
 * land outside it and stopping once `maxBytes` have been written.
 *
 * Symbolic links are created last, once every file and folder is written, so
 * that no write can pass through a link; each link must point inside
 * `targetDir` from where it really sits.
 * @example await unzipInto(zipBytes, "/data/code/abc", 262144000)
 */
export async function unzipInto(
  zip: Buffer,
  targetDir: string,
  maxBytes: number,
): Promise<number> {
  const root = await realpath(targetDir);
  const archive = await openZip(zip);
  const links: PendingLink[] = [];
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
      const link = await extractEntry(archive, entry, root);
      if (link) links.push(link);
    }
    for (const link of links) await createLink(root, link);
  } catch (err) {
    throw asUnzipError(err);
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
        if (err || !archive) {
          reject(new UnzipError("not-a-zip", String(err?.message)));
        } else resolve(archive);
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

/** Writes a folder or file entry; a link entry is returned for later. */
async function extractEntry(
  archive: ZipFile,
  entry: Entry,
  root: string,
): Promise<PendingLink | undefined> {
  const destination = insideOrFail(root, root, entry.fileName);
  if (entry.fileName.endsWith("/")) {
    await mkdir(destination, { recursive: true });
    return undefined;
  }
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const content = await openEntry(archive, entry);
  if ((unixMode & S_IFMT) === S_IFLNK) {
    const target = (await readAll(content)).toString("utf8");
    return { fileName: entry.fileName, target };
  }
  await mkdir(path.dirname(destination), { recursive: true });
  const executable = (unixMode & 0o111) !== 0;
  await pipeline(
    content,
    createWriteStream(destination, { mode: executable ? 0o755 : 0o644 }),
  );
  return undefined;
}

/** Creates a link whose target, resolved from its real folder, stays inside. */
async function createLink(root: string, link: PendingLink): Promise<void> {
  const location = insideOrFail(root, root, link.fileName);
  await mkdir(path.dirname(location), { recursive: true });
  const realFolder = await realpath(path.dirname(location));
  insideOrFail(root, realFolder, link.target);
  await symlink(link.target, location);
}

/**
 * `relative` resolved from `from`, or an error if that leaves `root` or is
 * no path at all (empty, or with a NUL byte no file system takes).
 */
function insideOrFail(root: string, from: string, relative: string): string {
  if (relative === "" || relative.includes("\0")) {
    throw new UnzipError("not-a-zip", "an entry names no usable path");
  }
  const resolved = path.resolve(from, relative);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new UnzipError(
      "not-a-zip",
      `entry ${relative} escapes the archive's folder`,
    );
  }
  return resolved;
}

function asUnzipError(err: unknown): unknown {
  if (err instanceof UnzipError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && CONFLICTING_ENTRIES.has(code)) {
    return new UnzipError("not-a-zip", (err as Error).message);
  }
  // yauzl reports a stream that disagrees with its header as a plain Error.
  if (!code) return new UnzipError("not-a-zip", String(err));
  return err;
}

function openEntry(
  archive: ZipFile,
  entry: Entry,
): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    archive.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(new UnzipError("not-a-zip", String(err?.message)));
      } else resolve(stream);
    });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
