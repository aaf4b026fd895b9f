import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import {
  awsError,
  createExample,
  createFunction,
  invoke,
  logTailOf,
  payloadOf,
  zipFiles,
} from "../support/functions.js";
import { countMatching, pollFunctionLog } from "../support/logs.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

const REQUEST_ID =
  "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

interface Count {
  invocations: number;
  environmentStartedAt: string;
}

const count = async (client: LambdaClient, name: string): Promise<Count> =>
  payloadOf(await invoke(client, name)) as Count;

describe("Invoke", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
    await createExample(lambkin.client, "echo");
    await createExample(lambkin.client, "counter");
  });

  describe("RequestResponse", () => {
    it("returns the echo function's result with the executed version", async () => {
      const output = await invoke(lambkin.client, "echo", {
        message: "hello lambkin",
      });
      assert.equal(output.StatusCode, 200);
      assert.equal(output.ExecutedVersion, "$LATEST");
      assert.equal(output.FunctionError, undefined);
      assert.deepEqual(payloadOf(output), { message: "hello lambkin" });
    });

    it("tails the log with START, END and REPORT lines in AWS's format", async () => {
      const output = await invoke(lambkin.client, "echo", { message: "tail" });
      const id = output.$metadata.requestId!;
      const lines = logTailOf(output).split("\n");
      assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`);
      assert.equal(lines.at(-3), `END RequestId: ${id}`);
      assert.match(
        lines.at(-2)!,
        new RegExp(
          `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\t` +
            "Memory Size: 128 MB\\tMax Memory Used: \\d+ MB\\t(Init Duration: \\d+\\.\\d\\d ms\\t)?$",
        ),
      );
      assert.equal(lines.at(-1), "");
    });

    it("runs global code once per environment and reuses a warm one", async () => {
      const first = await count(lambkin.client, "counter");
      const second = await count(lambkin.client, "counter");
      assert.equal(second.invocations, first.invocations + 1);
      assert.equal(second.environmentStartedAt, first.environmentStartedAt);
    });

    it("starts a second environment when the first is busy", async () => {
      await createFunction(
        lambkin.client,
        "slow-counter",
        zipFiles({
          "index.mjs": [
            "const started = Date.now(); let n = 0;",
            "export const handler = async () => {",
            "  n += 1; await new Promise((r) => setTimeout(r, 300));",
            "  return { n, started };",
            "};",
          ].join("\n"),
        }),
      );
      const results = await Promise.all(
        [1, 2, 3].map(() => invoke(lambkin.client, "slow-counter")),
      );
      const tails = results.map(logTailOf);
      assert.equal(
        tails.filter((tail) => tail.includes("Init Duration:")).length,
        3,
      );
      for (const result of results)
        assert.equal((payloadOf(result) as { n: number }).n, 1);
      const warm = await invoke(lambkin.client, "slow-counter");
      assert.equal((payloadOf(warm) as { n: number }).n, 2);
      assert.ok(!logTailOf(warm).includes("Init Duration:"));
    });

    it("retires environments when the configuration changes", async () => {
      const before = await count(lambkin.client, "counter");
      await lambkin.client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: "counter",
          Environment: { Variables: { GENERATION: "two" } },
        }),
      );
      const after = await count(lambkin.client, "counter");
      assert.equal(after.invocations, 1);
      assert.notEqual(after.environmentStartedAt, before.environmentStartedAt);
    });

    it("passes payloads that are not objects through unchanged", async () => {
      await createFunction(
        lambkin.client,
        "identity",
        zipFiles({ "index.js": "exports.handler = async (event) => event;" }),
      );
      for (const event of ["text", 42, [1, "two", null], null, "ünïcödé ✓"]) {
        assert.deepEqual(
          payloadOf(await invoke(lambkin.client, "identity", event)),
          event,
        );
      }
    });
  });

  describe("Event and DryRun", () => {
    it("accepts an Event with 202 and runs it in the background", async () => {
      await createFunction(
        lambkin.client,
        "background",
        zipFiles({
          "index.mjs":
            "export const handler = async (e) => { console.log('got', e.mark); };",
        }),
      );
      const output = await lambkin.client.send(
        new InvokeCommand({
          FunctionName: "background",
          InvocationType: "Event",
          Payload: Buffer.from(JSON.stringify({ mark: "event-7f3a" })),
        }),
      );
      assert.equal(output.StatusCode, 202);
      assert.equal(Buffer.from(output.Payload ?? []).length, 0);
      const log = await pollFunctionLog(
        lambkin.url,
        "background",
        (messages) => countMatching(messages, /^REPORT RequestId: /) > 0,
        { timeoutMs: 15_000, what: "the Event invocation's REPORT line" },
      );
      assert.equal(countMatching(log, /\tINFO\tgot event-7f3a$/), 1);
      assert.equal(
        countMatching(log, new RegExp(`^REPORT RequestId: ${REQUEST_ID}\t`)),
        1,
      );
    });

    it("answers DryRun with 204 without running anything", async () => {
      const output = await lambkin.client.send(
        new InvokeCommand({ FunctionName: "echo", InvocationType: "DryRun" }),
      );
      assert.equal(output.StatusCode, 204);
      const err = await awsError(() =>
        lambkin.client.send(
          new InvokeCommand({
            FunctionName: "ghost",
            InvocationType: "DryRun",
          }),
        ),
      );
      assert.equal(err.name, "ResourceNotFoundException");
    });
  });

  describe("bad requests", () => {
    it("refuses a payload that is not JSON", async () => {
      const err = await awsError(() =>
        lambkin.client.send(
          new InvokeCommand({
            FunctionName: "echo",
            Payload: Buffer.from("{oops"),
          }),
        ),
      );
      assert.equal(err.name, "InvalidRequestContentException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.match(
        err.message,
        /^Could not parse request body into json: Could not parse payload into json/,
      );
    });

    it("refuses a sync payload past 6 MB and an Event payload past 1 MB with 413", async () => {
      const big = Buffer.from(
        JSON.stringify({ data: "x".repeat(6 * 1024 * 1024) }),
      );
      const sync = await awsError(() =>
        lambkin.client.send(
          new InvokeCommand({ FunctionName: "echo", Payload: big }),
        ),
      );
      assert.equal(sync.name, "RequestEntityTooLargeException");
      assert.equal(sync.$metadata.httpStatusCode, 413);
      assert.equal(
        sync.message,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
      );
      const medium = Buffer.from(
        JSON.stringify({ data: "x".repeat(1024 * 1024) }),
      );
      const event = await awsError(() =>
        lambkin.client.send(
          new InvokeCommand({
            FunctionName: "echo",
            InvocationType: "Event",
            Payload: medium,
          }),
        ),
      );
      assert.equal(event.name, "RequestEntityTooLargeException");
      assert.equal(
        event.message,
        `${medium.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`,
      );
      const fine = await invoke(lambkin.client, "echo", {
        message: "still here",
      });
      assert.deepEqual(payloadOf(fine), { message: "still here" });
    });

    it("says which function is missing", async () => {
      const err = await awsError(() => invoke(lambkin.client, "nobody-home"));
      assert.equal(err.name, "ResourceNotFoundException");
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(
        err.message,
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody-home",
      );
    });
  });
});

describe("environment lifetime and limits", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin({
      args: ["--idle-timeout", "1", "--concurrency", "1"],
    });
    await createExample(lambkin.client, "counter");
    await createFunction(
      lambkin.client,
      "sleeper",
      zipFiles({
        "index.mjs":
          "export const handler = () => new Promise((r) => setTimeout(r, 1500));",
      }),
    );
  });

  it("shuts down an environment that stays idle past the idle timeout", async () => {
    const first = await count(lambkin.client, "counter");
    assert.equal(first.invocations, 1);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const later = await count(lambkin.client, "counter");
    assert.equal(later.invocations, 1);
    assert.notEqual(later.environmentStartedAt, first.environmentStartedAt);
  });

  it("throttles with 429 TooManyRequestsException past the concurrency limit", async () => {
    const running = invoke(lambkin.client, "sleeper");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const err = await awsError(() => invoke(lambkin.client, "counter"));
    assert.equal(err.name, "TooManyRequestsException");
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(
      (err as unknown as { Reason: string }).Reason,
      "ConcurrentInvocationLimitExceeded",
    );
    assert.equal((await running).StatusCode, 200);
  });
});
