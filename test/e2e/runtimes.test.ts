import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  createExample,
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

  it("names the interpreter that really runs in AWS_EXECUTION_ENV", async () => {
    await createFunction(
      lambkin.client,
      "python-execution-env",
      zipFiles({
        "app.py":
          "import os, sys\n" +
          "def handler(event, context):\n" +
          "    return [os.environ['AWS_EXECUTION_ENV'], '%d.%d' % sys.version_info[:2]]\n",
      }),
      { Runtime: "python3.13", Handler: "app.handler" },
    );
    const python = payloadOf(
      await invoke(lambkin.client, "python-execution-env"),
    ) as [string, string];
    assert.equal(python[0], `AWS_Lambda_python${python[1]}`);
    await createFunction(
      lambkin.client,
      "node-execution-env",
      zipFiles({
        "index.js":
          "exports.handler = async () => [process.env.AWS_EXECUTION_ENV, process.versions.node];",
      }),
      { Runtime: "nodejs22.x" },
    );
    const node = payloadOf(
      await invoke(lambkin.client, "node-execution-env"),
    ) as [string, string];
    assert.equal(node[0], `AWS_Lambda_nodejs${node[1].split(".")[0]}.x`);
  });

  it("writes a Python result as AWS's runtime does: Decimals, and unescaped text from 3.12", async () => {
    const code = zipFiles({
      "app.py":
        "import decimal\n" +
        "def handler(event, context):\n" +
        "    return {'text': 'h\u00e9llo \\U0001F411', 'price': decimal.Decimal('1.5')}\n",
    });
    const raw = async (name: string, runtime: "python3.11" | "python3.12") => {
      await createFunction(lambkin.client, name, code, {
        Runtime: runtime,
        Handler: "app.handler",
      });
      const output = await invoke(lambkin.client, name);
      assert.equal(output.FunctionError, undefined, logTailOf(output));
      return Buffer.from(output.Payload ?? []).toString("utf8");
    };
    assert.equal(
      await raw("python-marshal-312", "python3.12"),
      '{"text": "h\u00e9llo \u{1F411}", "price": 1.5}',
    );
    assert.equal(
      await raw("python-marshal-311", "python3.11"),
      '{"text": "h\\u00e9llo \\ud83d\\udc11", "price": 1.5}',
    );
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
