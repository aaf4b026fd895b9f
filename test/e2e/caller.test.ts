import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { createExample, invoke, payloadOf } from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import {
  countMatching,
  pollFunctionLog,
  reportDurationMs,
} from "../support/logs.js";

const START = /^START RequestId: /;
const REPORT = /^REPORT RequestId: /;

interface CallerResult {
  statusCode: number;
  body: string;
  targetStatus: number;
}

let server: LambkinProcess;
let client: LambdaClient;

/** Waits until the waiter's log has `count` lines matching `pattern`. */
function waiterLogWith(pattern: RegExp, count: number, timeoutMs: number) {
  return pollFunctionLog(
    server.url,
    "waiter",
    (lines) => countMatching(lines, pattern) === count,
    {
      timeoutMs,
      what: `${count} lines matching ${pattern} in the waiter's log`,
    },
  );
}

/** The caller's result, after checking that it did not fail. */
function callerResultOf(output: InvokeCommandOutput): CallerResult {
  const text = Buffer.from(output.Payload ?? []).toString("utf8");
  assert.equal(output.FunctionError, undefined, text);
  const result = payloadOf(output) as CallerResult;
  assert.equal(result.statusCode, 200, text);
  return result;
}

/** How long the caller says its call took, from `Invocation took <n>ms`. */
function callTookMs(result: CallerResult): number {
  const match = /^Invocation took (\d+)ms$/.exec(result.body);
  assert.ok(match, `caller body: ${result.body}`);
  return Number(match[1]);
}

/** Invokes the caller and measures how long the whole call took. */
async function callWaiter(invocationType: "RequestResponse" | "Event") {
  const calledAt = performance.now();
  const output = await invoke(client, "caller", {
    target: "waiter",
    invocationType,
  });
  return {
    result: callerResultOf(output),
    elapsedMs: performance.now() - calledAt,
  };
}

// The caller example invokes the waiter with the unmodified AWS SDK that the
// runtime provides; it can only reach Lambkin through AWS_ENDPOINT_URL.
describe("a function calling another through the provided SDK", () => {
  before(async () => {
    server = await startLambkin();
    client = server.client;
    await createExample(client, "waiter", "waiter", { Timeout: 10 });
    await createExample(client, "caller", "caller", { Timeout: 15 });
  });

  it("waits for a RequestResponse call to the target", async () => {
    const { result, elapsedMs } = await callWaiter("RequestResponse");

    assert.equal(result.targetStatus, 200);
    assert.ok(callTookMs(result) >= 5000, result.body);
    assert.ok(elapsedMs >= 5000, `took ${elapsedMs} ms`);
    // Log events reach the store in batches, so wait for the waiter's REPORT.
    await waiterLogWith(REPORT, 1, 5000);
  });

  it("returns at once from an Event call while the target runs on", async () => {
    const reportsBefore = countMatching(
      await waiterLogWith(REPORT, 1, 5000),
      REPORT,
    );

    const { result, elapsedMs } = await callWaiter("Event");

    assert.equal(result.targetStatus, 202);
    assert.ok(callTookMs(result) < 2000, result.body);
    assert.ok(elapsedMs < 4000, `took ${elapsedMs} ms`);
    // The waiter sleeps 5 s: its Event invocation starts, and ends well after.
    const started = await waiterLogWith(START, reportsBefore + 1, 5000);
    assert.equal(countMatching(started, REPORT), reportsBefore);
    const finished = await waiterLogWith(REPORT, reportsBefore + 1, 20_000);
    const lastReport = finished.filter((line) => REPORT.test(line)).at(-1)!;
    assert.ok(reportDurationMs(lastReport) >= 5000, lastReport);
  });
});
