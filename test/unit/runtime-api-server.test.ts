import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ExtensionsApi } from "../../src/environments/extensions-api.js";
import type { InvocationOutcome } from "../../src/environments/invocation.js";
import { RuntimeApiServer } from "../../src/environments/runtime-api-server.js";
import { pollUntil } from "../support/logs.js";
import {
  wrongTransition,
  type RuntimeApiAnswer,
} from "../support/runtime-api.js";

const RUNTIME = "/2018-06-01/runtime";

/** What the server told its environment. */
interface Reported {
  nexts: number;
  outcomes: InvocationOutcome[];
  initErrors: InvocationOutcome[];
}

/** A call of the runtime: its status and JSON answer. */
async function call(
  api: RuntimeApiServer,
  method: "GET" | "POST",
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RuntimeApiAnswer> {
  const response = await fetch(`http://${api.address}${RUNTIME}${path}`, {
    method,
    body,
    headers,
  });
  return { status: response.status, body: await response.json() };
}

describe("RuntimeApiServer", () => {
  let api: RuntimeApiServer;
  let reported: Reported;
  beforeEach(async () => {
    reported = { nexts: 0, outcomes: [], initErrors: [] };
    const extensions = new ExtensionsApi(
      {
        functionName: "fn",
        functionVersion: "$LATEST",
        handler: "index.handler",
      },
      { onRegistered: () => undefined, onInitError: () => undefined },
    );
    api = await RuntimeApiServer.listen(
      {
        onNext: () => (reported.nexts += 1),
        onOutcome: (outcome) => reported.outcomes.push(outcome),
        onInitError: (outcome) => reported.initErrors.push(outcome),
      },
      extensions,
    );
  });
  afterEach(() => api.close());

  /** Starts the runtime's `/next`, which waits until an invocation is assigned. */
  function next() {
    return fetch(`http://${api.address}${RUNTIME}/invocation/next`);
  }

  /** Calls `/next` and waits until the server has seen it. */
  async function waitingInNext(): Promise<void> {
    // close() ends the waiting call, after the test.
    next().catch(() => undefined);
    await pollUntil(
      async () => reported.nexts,
      (nexts) => nexts === 1,
      { timeoutMs: 2000, what: "the runtime's /next", intervalMs: 5 },
    );
  }

  function assign(requestId: string, payload = "{}") {
    api.assign(
      {
        requestId,
        payload: Buffer.from(payload),
        invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
        traceId: "Root=1-00000000-000000000000000000000000;Parent=0;Sampled=0",
      },
      Date.now() + 3000,
    );
  }

  describe("/init/error", () => {
    it("accepts one report during init and refuses the runtime's calls after it", async () => {
      const headers = {
        "Lambda-Runtime-Function-Error-Type": "Runtime.MyInitFailure",
      };
      const body = '{"errorMessage":"no","errorType":"Runtime.MyInitFailure"}';
      assert.deepEqual(await call(api, "POST", "/init/error", body, headers), {
        status: 202,
        body: { status: "OK" },
      });
      assert.deepEqual(reported.initErrors, [
        { payload: Buffer.from(body), errorType: "Runtime.MyInitFailure" },
      ]);
      assert.deepEqual(
        await call(api, "POST", "/init/error", body, headers),
        wrongTransition("InitError", "InitError"),
      );
      assert.deepEqual(
        await call(api, "GET", "/invocation/next"),
        wrongTransition("InitError", "Ready"),
      );
      assert.equal(reported.nexts, 0);
      assert.equal(reported.initErrors.length, 1);
    });

    it("is refused once init is over", async () => {
      await waitingInNext();
      assert.deepEqual(
        await call(api, "POST", "/init/error", "{}"),
        wrongTransition("Ready", "InitError"),
      );
      assert.deepEqual(reported.initErrors, []);
    });
  });

  describe("/invocation/{id}/response", () => {
    it("refuses an answer while no invocation is out", async () => {
      await waitingInNext();
      assert.deepEqual(
        await call(api, "POST", "/invocation/r-1/response", "{}"),
        wrongTransition("Ready", "InvocationResponse"),
      );
      assert.deepEqual(reported.outcomes, []);
    });

    it("answers 413 to a body past 6 MB + 100 bytes and fails the invocation", async () => {
      const pending = next();
      assign("r-1");
      assert.equal((await pending).status, 200);
      const body = "x".repeat(6291557);
      assert.deepEqual(
        await call(api, "POST", "/invocation/r-1/response", body),
        {
          status: 413,
          body: {
            errorMessage:
              "Exceeded maximum allowed payload size (6291556 bytes).",
            errorType: "RequestEntityTooLarge",
          },
        },
      );
      assert.equal(reported.outcomes.length, 1);
      assert.equal(
        reported.outcomes[0]!.errorType,
        "Function.ResponseSizeTooLarge",
      );
      // The invocation is over: it takes no other answer.
      assert.deepEqual(
        await call(api, "POST", "/invocation/r-1/error", "{}"),
        wrongTransition("RuntimeResponseSentState", "InvocationErrorResponse"),
      );
    });
  });

  it("answers paths it does not serve with 404", async () => {
    assert.deepEqual(await call(api, "GET", "/nothing"), {
      status: 404,
      body: { errorMessage: "Not Found", errorType: "NotFound" },
    });
  });
});
