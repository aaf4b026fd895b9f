import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  createFunction,
  invoke,
  logTailOf,
  payloadOf,
  zipFiles,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

/** A function whose global code takes `initMs` before the handler exists. */
const slowInit = (initMs: number) =>
  zipFiles({
    "index.mjs": [
      `await new Promise((resolve) => setTimeout(resolve, ${initMs}));`,
      "export const handler = async (event, context) => ({",
      "  remainingMs: context.getRemainingTimeInMillis(),",
      "});",
    ].join("\n"),
  });

describe("the init phase", { concurrency: true }, () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
  });

  it("lets init run past 10 s within the invocation's timeout, as AWS does", async () => {
    await createFunction(lambkin.client, "slow-init-fits", slowInit(11_000), {
      Timeout: 15,
    });
    const output = await invoke(lambkin.client, "slow-init-fits");
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    const { remainingMs } = payloadOf(output) as { remainingMs: number };
    assert.ok(
      remainingMs > 2_500 && remainingMs < 4_000,
      `remainingMs ${remainingMs}`,
    );
    assert.match(logTailOf(output), /\tInit Duration: 1\d{4}\.\d\d ms\t/);
  });

  it("times the invocation out when init outlasts both 10 s and the timeout", async () => {
    await createFunction(lambkin.client, "slow-init-fails", slowInit(12_000), {
      Timeout: 3,
    });
    const started = Date.now();
    const output = await invoke(lambkin.client, "slow-init-fails");
    assert.equal(output.FunctionError, "Unhandled");
    const error = payloadOf(output) as {
      errorType: string;
      errorMessage: string;
    };
    assert.equal(error.errorType, "Sandbox.Timedout");
    assert.match(
      error.errorMessage,
      /Error: Task timed out after 3\.00 seconds$/,
    );
    const waitedMs = Date.now() - started;
    assert.ok(waitedMs >= 10_000 && waitedMs < 11_900, `waited ${waitedMs} ms`);
    // The log says that init timed out, before the invocation's START.
    const tail = logTailOf(output);
    assert.match(
      tail,
      /^INIT_REPORT Init Duration: 1\d{4}\.\d\d ms\tPhase: init\tStatus: timeout\nSTART /m,
    );
  });
});
