import assert from "node:assert/strict";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { zipSync, type Zippable } from "fflate";
import { UnzipError, unzipInto } from "../../src/store/unzip.js";

const UNIX = 3;
const file = (text: string) => Buffer.from(text);
const link = (target: string): Zippable[string] => [
  Buffer.from(target),
  { os: UNIX, attrs: (0o120777 << 16) >>> 0 },
];

/** Builds a zip whose entries keep the given order. */
function zipOf(entries: [string, Zippable[string]][]): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(entries)));
}

describe("unzipInto", () => {
  let work: string;
  let outside: string;
  let count = 0;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "lambkin-unzip-"));
    outside = path.join(work, "outside");
    await mkdir(outside);
  });
  after(() => rm(work, { recursive: true, force: true }));

  const freshTarget = async () => {
    const target = path.join(work, `tree-${count++}`);
    await mkdir(target);
    return target;
  };

  const refused = async (zip: Buffer) => {
    const target = await freshTarget();
    await assert.rejects(unzipInto(zip, target, 1e9), (err) => {
      assert.ok(err instanceof UnzipError, String(err));
      assert.equal(err.reason, "not-a-zip");
      return true;
    });
    return target;
  };

  it("unpacks files, keeps the executable bit and links that stay inside", async () => {
    const target = await freshTarget();
    const zip = zipOf([
      ["lib/a.js", file("a")],
      [
        "bootstrap",
        [file("#!/bin/sh\n"), { os: UNIX, attrs: (0o100755 << 16) >>> 0 }],
      ],
      ["current", link("lib")],
    ]);
    assert.equal(await unzipInto(zip, target, 1e9), 1 + 10 + 3);
    assert.equal(readFileSync(path.join(target, "current/a.js"), "utf8"), "a");
    assert.equal(readlinkSync(path.join(target, "current")), "lib");
    assert.ok(readFileSync(path.join(target, "bootstrap")));
  });

  it("refuses a link to an absolute path outside, and writes nothing through it", async () => {
    await refused(
      zipOf([
        ["lnk", link(outside)],
        ["lnk/pwned.txt", file("x")],
      ]),
    );
    assert.equal(existsSync(path.join(outside, "pwned.txt")), false);
  });

  it("refuses a chain of links that climbs out from where the link really sits", async () => {
    const target = await refused(
      zipOf([
        ["s", link(".")],
        ["s/t", link("..")],
      ]),
    );
    assert.equal(existsSync(path.join(target, "t")), false);
  });

  it("refuses a file entry and a link entry of the same name", async () => {
    await refused(
      zipOf([
        ["v/x.txt", file("first")],
        ["v", link("elsewhere")],
      ]),
    );
  });

  it("refuses entries that contradict each other as a clear bad zip", async () => {
    await refused(
      zipOf([
        ["same", file("a file")],
        ["same/inner.txt", file("needs a folder")],
      ]),
    );
    await refused(zipOf([[`${"n".repeat(5000)}.txt`, file("long")]]));
  });

  it("stops once the unpacked size passes the limit", async () => {
    const target = await freshTarget();
    await assert.rejects(
      unzipInto(zipOf([["big.bin", new Uint8Array(2048)]]), target, 1024),
      (err) => err instanceof UnzipError && err.reason === "too-large",
    );
  });
});
