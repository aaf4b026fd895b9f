import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  createExample,
  invoke,
  logTailOf,
  payloadOf,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

describe("runtimes beyond Node.js", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
  });

  it("runs a Python handler on the host's Python (python3.12)", async () => {
    await createExample(lambkin.client, "python-echo", "python-echo", {
      Runtime: "python3.12",
      Handler: "app.handler",
    });
    const output = await invoke(lambkin.client, "python-echo", { hello: "py" });
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    const result = payloadOf(output) as {
      event: unknown;
      requestId: string;
      remainingMs: number;
      function: string;
    };
    assert.deepEqual(result.event, { hello: "py" });
    assert.equal(result.requestId, output.$metadata.requestId);
    assert.ok(
      result.remainingMs > 0 && result.remainingMs <= 3000,
      String(result.remainingMs),
    );
    assert.equal(result.function, "python-echo");
    assert.match(logTailOf(output), /^START RequestId: /m);
  });

  it("runs a custom runtime's own bootstrap (provided.al2023)", async () => {
    await createExample(lambkin.client, "bash-runtime", "bash-runtime", {
      Runtime: "provided.al2023",
      Handler: "handler.run",
    });
    const output = await invoke(lambkin.client, "bash-runtime", { a: 1 });
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    assert.deepEqual(payloadOf(output), { received: { a: 1 }, shell: "sh" });
  });
});
