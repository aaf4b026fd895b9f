import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { run, type CommandResult } from "../support/commands.js";
import { createFunction, invoke, zipFiles } from "../support/functions.js";
import {
  LAMBKIN_BIN,
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { pollUntil } from "../support/logs.js";

const ECHO = zipFiles({
  "index.mjs": "export const handler = async (e) => e;",
});

/** Runs the compiled `lambkin` command with `args`. */
const lambkin = (...args: string[]) =>
  run(process.execPath, [LAMBKIN_BIN, ...args]);

/** Checks that a command failed with exit code 1 and one `lambkin:` line, no stack. */
function assertOneLineFailure(result: CommandResult, line: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, line);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
}

/** A 127.0.0.1 URL that nothing listens at: a port of ours, closed again. */
async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("the lambkin command", () => {
  let server: LambkinProcess;
  before(async () => {
    server = await startLambkin();
    await createFunction(server.client, "echo", ECHO);
  });

  describe("invoke", () => {
    it("prints the result, even with an --endpoint ending in a slash", async () => {
      const result = await lambkin(
        "invoke",
        "echo",
        "--payload",
        '{"a":1}',
        "--endpoint",
        `${server.url}/`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '{"a":1}\n');
    });

    it("reports a missing function in one line with the error's name", async () => {
      const result = await lambkin(
        "invoke",
        "nobody",
        "--endpoint",
        server.url,
      );
      assertOneLineFailure(
        result,
        /^lambkin: ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody$/m,
      );
    });

    it("reports a --payload that is not JSON in one line", async () => {
      const result = await lambkin(
        "invoke",
        "echo",
        "--payload",
        "{not json",
        "--endpoint",
        server.url,
      );
      assertOneLineFailure(
        result,
        /^lambkin: InvalidRequestContentException: Could not parse request body into json/m,
      );
    });
  });

  describe("logs", () => {
    it("prints the log, even with an --endpoint ending in a slash", async () => {
      await invoke(server.client, "echo", { logged: true });
      const printed = await pollUntil(
        () => lambkin("logs", "echo", "--endpoint", `${server.url}/`),
        (result) => result.code !== 0 || /^REPORT /m.test(result.stdout),
        { timeoutMs: 10_000, what: "the REPORT line of echo" },
      );
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^START RequestId: /m);
    });

    it("says on stderr that a function has no log events yet", async () => {
      const result = await lambkin("logs", "quiet", "--endpoint", server.url);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr, "lambkin: no log events for quiet yet\n");
    });
  });

  it("reports a server it cannot reach in one line, from invoke and logs", async () => {
    const endpoint = await closedEndpoint();
    for (const command of ["invoke", "logs"]) {
      const result = await lambkin(command, "echo", "--endpoint", endpoint);
      assertOneLineFailure(
        result,
        new RegExp(`^lambkin: cannot reach Lambkin at ${endpoint} `, "m"),
      );
    }
  });

  describe("serve", () => {
    let dataDir: string;
    before(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), "lambkin-cli-"));
    });
    after(() => rm(dataDir, { recursive: true, force: true }));
    /** `lambkin serve` on a free port and a data dir of the test's own. */
    const serve = (...args: string[]) =>
      lambkin("serve", "--port", "0", "--data-dir", dataDir, ...args);

    it("refuses a --log-level it does not know, naming the choices", async () => {
      const result = await serve("--log-level", "loud");
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /argument 'loud' is invalid\. Allowed choices are trace, debug, info, warn, error/,
      );
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    });

    it("refuses an --account-id that is not 12 digits", async () => {
      const result = await serve("--account-id", "12");
      assert.equal(result.code, 1);
      assert.match(result.stderr, /argument '12' is invalid\. .*12 digits/);
    });

    it("prints a Try it example that works in a fresh shell", async (t) => {
      const banner = server.stdout();
      const example = /^\s+(.*aws lambda list-functions.*)$/m.exec(banner);
      assert.ok(example, `no example in:\n${banner}`);
      const home = await mkdtemp(path.join(tmpdir(), "lambkin-shell-"));
      t.after(() => rm(home, { recursive: true, force: true }));
      // No credentials anywhere: no AWS_* variables, no ~/.aws, no instance metadata.
      const result = await run("/bin/sh", ["-c", example[1]!], {
        env: {
          PATH: "/usr/bin:/bin",
          HOME: home,
          AWS_CONFIG_FILE: path.join(home, "config"),
          AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
          AWS_EC2_METADATA_DISABLED: "true",
        },
      });
      assert.equal(result.code, 0, result.stderr);
      const listed = JSON.parse(result.stdout) as {
        Functions: { FunctionName: string }[];
      };
      assert.ok(listed.Functions.some((fn) => fn.FunctionName === "echo"));
    });
  });

  it("prints its version with --version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    const result = await lambkin("--version");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  });
});
