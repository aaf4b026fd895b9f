import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  GetFunctionCommand,
  InvokeCommand,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import {
  createExample,
  createFunction,
  invoke,
  payloadOf,
  zipFiles,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { pollFunctionLog, readFunctionLog } from "../support/logs.js";

const SLOW = "slow-marker";
const ECHO = "echo-survivor";
const QUEUED_EVENTS = 6;

/** Takes 2 s, then writes `marker <n>`, so that events are still queued at the stop. */
const SLOW_HANDLER = [
  "exports.handler = async (event) => {",
  "  await new Promise((resolve) => setTimeout(resolve, 2000));",
  "  console.log(`marker ${event.n}`);",
  "  return { n: event.n };",
  "};",
].join("\n");

/** How many times each event `n` wrote its marker, by `n`. */
function markerCounts(messages: string[]): number[] {
  const counts = new Array<number>(QUEUED_EVENTS).fill(0);
  for (const message of messages) {
    const match = /\tINFO\tmarker (\d+)$/.exec(message);
    if (match) counts[Number(match[1])]! += 1;
  }
  return counts;
}

function identityOf(configuration: FunctionConfiguration | undefined) {
  return {
    FunctionName: configuration?.FunctionName,
    CodeSha256: configuration?.CodeSha256,
    RevisionId: configuration?.RevisionId,
  };
}

describe("a restart on the same data dir", () => {
  let dataDir: string;
  let restarted: LambkinProcess;
  const created: Record<string, ReturnType<typeof identityOf>> = {};

  after(async () => {
    // The data dir outlives the servers, so the last one stops before it goes.
    // `restarted` is unset when the setup failed early.
    await restarted?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "lambkin-restart-"));

    // 1. A first server gets functions and a backlog of slow Event invocations.
    const first = await startLambkin({ dataDir });
    const slow = await createFunction(
      first.client,
      SLOW,
      zipFiles({ "index.js": SLOW_HANDLER }),
    );
    const echo = await createExample(first.client, "echo", ECHO);
    created[SLOW] = identityOf(slow);
    created[ECHO] = identityOf(echo);
    for (let n = 0; n < QUEUED_EVENTS; n++) {
      const queued = await first.client.send(
        new InvokeCommand({
          FunctionName: SLOW,
          InvocationType: "Event",
          Payload: Buffer.from(JSON.stringify({ n })),
        }),
      );
      assert.equal(queued.StatusCode, 202);
    }

    // 2. It stops (SIGTERM) before the backlog can have run, and a second one takes over.
    await first.stop();
    restarted = await startLambkin({ dataDir });
  });

  it("had not run every queued event before the stop", async () => {
    // Each event takes 2 s before its marker, so none of the new server's has appeared yet.
    const events = await readFunctionLog(restarted.url, SLOW);
    const messages = events.map((event) => event.message);
    const ranBeforeStop = markerCounts(messages).filter((count) => count > 0);
    assert.ok(
      ranBeforeStop.length < QUEUED_EVENTS,
      `markers before the restart: ${messages.join("\n")}`,
    );
  });

  it("still has the functions, with the same code and revision", async () => {
    for (const name of [SLOW, ECHO]) {
      const { Configuration } = await restarted.client.send(
        new GetFunctionCommand({ FunctionName: name }),
      );
      assert.deepEqual(identityOf(Configuration), created[name]);
      assert.equal(Configuration?.State, "Active");
    }
  });

  it("invokes the functions it kept", async () => {
    const output = await invoke(restarted.client, ECHO, { message: "again" });
    assert.equal(output.FunctionError, undefined);
    assert.deepEqual(payloadOf(output), { message: "again" });
  });

  it("runs every queued event at least once", async () => {
    const messages = await pollFunctionLog(
      restarted.url,
      SLOW,
      (lines) => markerCounts(lines).every((count) => count >= 1),
      {
        timeoutMs: 30_000,
        what: `a marker of each of ${QUEUED_EVENTS} events`,
      },
    );
    const counts = markerCounts(messages);
    assert.ok(
      counts.every((count) => count >= 1),
      `markers by event: ${counts.join(", ")}`,
    );
  });
});
