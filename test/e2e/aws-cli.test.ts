import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createExample,
  EXAMPLES_DIR,
  invoke,
  logTailOf,
  ROLE,
} from "../support/functions.js";
import {
  LAMBKIN_BIN,
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { pollUntil } from "../support/logs.js";
import { run, type CommandResult } from "../support/commands.js";

/** Debian's AWS CLI v2; an older `aws` earlier on PATH (a pyenv shim) must not be picked. */
const AWS_CLI = "/usr/bin/aws";

/**
 * The environment the CLI runs in: dummy credentials and region, no pager, and
 * config files pointed into the test's own folder so that ~/.aws is never read.
 */
function awsEnvironment(home: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("AWS_")) delete env[name];
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "lambkin",
    AWS_SECRET_ACCESS_KEY: "lambkin",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_PAGER: "",
    AWS_CONFIG_FILE: path.join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** Parses a command's stdout as JSON, failing with its output when it did not succeed. */
function jsonOf(result: CommandResult): Record<string, unknown> {
  assert.equal(result.code, 0, `exit ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** The request id in the START line of a log tail. */
function requestIdOf(logTail: string): string {
  const match = /START RequestId: (\S+)/.exec(logTail);
  assert.ok(match, `no START line in:\n${logTail}`);
  return match[1]!;
}

/** The START, END and REPORT lines that one invocation must leave in the log. */
function invocationLines(requestId: string): RegExp[] {
  return [
    new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST$`, "m"),
    new RegExp(`^END RequestId: ${requestId}$`, "m"),
    new RegExp(
      `^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\t`,
      "m",
    ),
  ];
}

describe("the README quick start with the AWS CLI", () => {
  let lambkin: LambkinProcess;
  let work: string;
  let zipPath: string;
  /** `aws lambda OPERATION --flag value ... POSITIONAL` against the test's server. */
  const lambda = (
    operation: string,
    flags: Record<string, string>,
    ...positional: string[]
  ) => {
    const all = { ...flags, "endpoint-url": lambkin.url };
    const args = Object.entries(all).flatMap(([flag, value]) => [
      `--${flag}`,
      value,
    ]);
    return run(
      AWS_CLI,
      ["lambda", ...operation.split(" "), ...args, ...positional],
      { cwd: work, env: awsEnvironment(work) },
    );
  };

  before(async () => {
    lambkin = await startLambkin();
    work = await mkdtemp(path.join(tmpdir(), "lambkin-aws-cli-"));
    zipPath = path.join(work, "function.zip");
    const zipped = await run("zip", ["-q", "-r", "-X", zipPath, "."], {
      cwd: path.join(EXAMPLES_DIR, "echo"),
    });
    assert.equal(zipped.code, 0, zipped.stderr);
  });
  after(() => rm(work, { recursive: true, force: true }));

  it("creates the echo function from a zip made by the zip command", async () => {
    const created = jsonOf(
      await lambda("create-function", {
        "function-name": "echo",
        runtime: "nodejs20.x",
        handler: "index.handler",
        role: ROLE,
        "zip-file": `fileb://${zipPath}`,
      }),
    );
    assert.equal(created.FunctionName, "echo");
    assert.equal(
      created.FunctionArn,
      "arn:aws:lambda:us-east-1:000000000000:function:echo",
    );
    assert.equal(created.Runtime, "nodejs20.x");
    assert.equal(created.CodeSize, (await readFile(zipPath)).length);
  });

  it("waits until the function is active", async () => {
    const waited = await lambda("wait function-active-v2", {
      "function-name": "echo",
    });
    assert.equal(waited.code, 0, waited.stderr);
  });

  it("invokes it and writes the result to the output file", async () => {
    const result = jsonOf(
      await lambda(
        "invoke",
        {
          "function-name": "echo",
          "cli-binary-format": "raw-in-base64-out",
          payload: '{"message":"hello from the CLI"}',
        },
        "out.json",
      ),
    );
    assert.deepEqual(result, { StatusCode: 200, ExecutedVersion: "$LATEST" });
    const written = await readFile(path.join(work, "out.json"), "utf8");
    assert.deepEqual(JSON.parse(written), { message: "hello from the CLI" });
  });

  it("gets the function's configuration and a link to the uploaded zip", async () => {
    const got = jsonOf(
      await lambda("get-function", {
        "function-name": "echo",
      }),
    );
    const configuration = got.Configuration as Record<string, unknown>;
    assert.equal(configuration.FunctionName, "echo");
    assert.equal(configuration.Handler, "index.handler");
    assert.equal(configuration.Runtime, "nodejs20.x");
    assert.equal(configuration.Role, ROLE);
    assert.equal(configuration.State, "Active");
    assert.equal(configuration.LastUpdateStatus, "Successful");
    assert.equal(configuration.Version, "$LATEST");
    assert.equal(configuration.Timeout, 3);
    assert.equal(configuration.MemorySize, 128);

    const uploaded = await readFile(zipPath);
    assert.equal(
      configuration.CodeSha256,
      createHash("sha256").update(uploaded).digest("base64"),
    );

    const location = (got.Code as { Location: string }).Location;
    const download = await fetch(location);
    assert.equal(download.status, 200);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(uploaded));
  });

  it("publishes a layer version and adds it to the function", async () => {
    const published = jsonOf(
      await lambda("publish-layer-version", {
        "layer-name": "cli-layer",
        "zip-file": `fileb://${zipPath}`,
        "compatible-runtimes": "nodejs20.x",
      }),
    );
    const arn = "arn:aws:lambda:us-east-1:000000000000:layer:cli-layer:1";
    assert.equal(published.LayerVersionArn, arn);
    assert.deepEqual(published.CompatibleRuntimes, ["nodejs20.x"]);
    const listed = jsonOf(
      await lambda("list-layer-versions", { "layer-name": "cli-layer" }),
    );
    assert.deepEqual(
      (listed.LayerVersions as { LayerVersionArn: string }[]).map(
        (version) => version.LayerVersionArn,
      ),
      [arn],
    );
    const updated = jsonOf(
      await lambda("update-function-configuration", {
        "function-name": "echo",
        layers: arn,
      }),
    );
    assert.deepEqual(
      (updated.Layers as { Arn: string }[]).map((layer) => layer.Arn),
      [arn],
    );
  });

  it("fails with ResourceNotFoundException for a function that does not exist", async () => {
    const missing = await lambda("get-function", {
      "function-name": "no-such-function",
    });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException/);
    assert.match(
      missing.stderr,
      /Function not found: .*:function:no-such-function/,
    );
  });
});

describe("lambkin logs", () => {
  let lambkin: LambkinProcess;
  const logsArgs = (...extra: string[]) => [
    LAMBKIN_BIN,
    "logs",
    "echo",
    "--endpoint",
    lambkin.url,
    ...extra,
  ];
  /** Invokes echo and returns the request id its log tail names. */
  const invokeEcho = async () =>
    requestIdOf(
      logTailOf(await invoke(lambkin.client, "echo", { message: "log me" })),
    );

  before(async () => {
    lambkin = await startLambkin();
    await createExample(lambkin.client, "echo");
  });

  it("prints the START, END and REPORT lines of an invocation", async () => {
    const requestId = await invokeEcho();
    // The log is written as the invocation ends; read it until the REPORT line is stored.
    const printed = await pollUntil(
      async () => (await run(process.execPath, logsArgs())).stdout,
      (stdout) => invocationLines(requestId).every((line) => line.test(stdout)),
      { timeoutMs: 10_000, what: `the log lines of ${requestId}` },
    );
    assert.match(printed, /^INIT_START Runtime Version: nodejs:20/m);
  });

  it("with --follow, prints a new invocation's lines as they arrive", async (t) => {
    const earlier = await invokeEcho();
    const follower: ChildProcess = spawn(process.execPath, logsArgs("-f"), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    t.after(() => {
      if (follower.exitCode === null && follower.signalCode === null) {
        follower.kill("SIGTERM");
      }
    });
    let stdout = "";
    let stderr = "";
    follower
      .stdout!.setEncoding("utf8")
      .on("data", (chunk: string) => (stdout += chunk));
    follower
      .stderr!.setEncoding("utf8")
      .on("data", (chunk: string) => (stderr += chunk));
    const printedAll = (requestId: string) => () =>
      Promise.resolve(
        invocationLines(requestId).every((line) => line.test(stdout)),
      );

    // Caught up with what was already there, it goes on waiting for more.
    await pollUntil(printedAll(earlier), Boolean, {
      timeoutMs: 10_000,
      what: `lambkin logs --follow to print the lines of ${earlier}`,
    });
    const later = await invokeEcho();
    await pollUntil(printedAll(later), Boolean, {
      timeoutMs: 10_000,
      what: `lambkin logs --follow to print the lines of ${later}`,
    });
    assert.equal(
      follower.exitCode,
      null,
      `lambkin logs --follow exited:\n${stderr}`,
    );

    const exited = new Promise((resolve) => follower.once("exit", resolve));
    follower.kill("SIGTERM");
    await exited;
  });
});
