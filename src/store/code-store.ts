import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildTreeOnce } from "./build-tree-once.js";
import { mergeTrees, treeSize } from "./merge-trees.js";
import { unzipInto, UnzipError } from "./unzip.js";
import type { CodeRecord } from "../model/index.js";

/** What went wrong when storing a deployment package. */
export type CodeRejection = "not-a-zip" | "too-large";

/** A deployment package the store refused, with the reason. */
export class CodeRejectedError extends Error {
  constructor(readonly reason: CodeRejection) {
    super(`code rejected: ${reason}`);
    this.name = "CodeRejectedError";
  }
}

/**
 * A content-addressed store of deployment zips and their unpacked trees,
 * both keyed by the hex SHA-256 of the zip bytes.
 */
// Limitation: packages no function uses any more are kept; there is no collection yet.
export class CodeStore {
  constructor(
    private readonly rootDir: string,
    private readonly maxUnzippedBytes: number,
  ) {}

  /** Stores a zip and unpacks it once; the same bytes share one copy. */
  async put(zip: Buffer): Promise<CodeRecord> {
    const digest = createHash("sha256").update(zip).digest();
    const record: CodeRecord = {
      sha256Hex: digest.toString("hex"),
      sha256: digest.toString("base64"),
      size: zip.length,
    };
    await this.unpack(zip, this.treeDir(record.sha256Hex));
    const zipPath = this.zipPath(record.sha256Hex);
    if (!existsSync(zipPath)) await writeAtomically(zipPath, zip);
    return record;
  }

  /** The directory holding the unpacked tree of a package. */
  treeDir(sha256Hex: string): string {
    return path.join(this.rootDir, "trees", sha256Hex);
  }

  /** The bytes a package's files take once unpacked. */
  unpackedSize(sha256Hex: string): Promise<number> {
    return treeSize(this.treeDir(sha256Hex));
  }

  /**
   * Where the /opt tree of a list of layer packages lives: each laid over
   * the ones before it, made once per distinct list by `buildLayersTree`.
   */
  layersTreeDir(sha256Hexes: string[]): string {
    const key = createHash("sha256")
      .update(sha256Hexes.join(","))
      .digest("hex");
    return path.join(this.rootDir, "opt", key);
  }

  /** Makes the /opt tree of a list of layer packages, unless it exists. */
  buildLayersTree(sha256Hexes: string[]): Promise<void> {
    return buildTreeOnce(this.layersTreeDir(sha256Hexes), (staging) =>
      mergeTrees(
        sha256Hexes.map((sha) => this.treeDir(sha)),
        staging,
      ),
    );
  }

  /** The zip bytes of a package, or undefined if the store lacks it. */
  async readZip(sha256Hex: string): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256Hex)) return undefined;
    return readFile(this.zipPath(sha256Hex)).catch(() => undefined);
  }

  private zipPath(sha256Hex: string): string {
    return path.join(this.rootDir, "zips", `${sha256Hex}.zip`);
  }

  private async unpack(zip: Buffer, treeDir: string): Promise<void> {
    try {
      await buildTreeOnce(treeDir, async (staging) => {
        await unzipInto(zip, staging, this.maxUnzippedBytes);
      });
    } catch (err) {
      if (err instanceof UnzipError) throw new CodeRejectedError(err.reason);
      throw err;
    }
  }
}

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const staging = `${file}.${randomUUID()}.partial`;
  await writeFile(staging, bytes);
  await rename(staging, file);
}
