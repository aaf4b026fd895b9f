import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { InvokeCommand, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  bystander,
  createFunction,
  invoke,
  payloadOf,
  zipFiles,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { countMatching, pollFunctionLog } from "../support/logs.js";

const handler = (...lines: string[]) =>
  zipFiles({ "index.mjs": lines.join("\n") });

describe("functions that misbehave", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
    await bystander.create(lambkin.client);
  });

  const bystanderAnswers = () => bystander.answers(lambkin.client);

  it("answers a runtime that sends a malformed request id, and keeps serving", async () => {
    await createFunction(
      lambkin.client,
      "bad-request-id",
      handler(
        "import http from 'node:http';",
        "export const handler = () => new Promise((resolve) => {",
        "  const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');",
        "  const request = http.request({ host, port, method: 'POST',",
        "    path: '/2018-06-01/runtime/invocation/%E0%A4%A/response' },",
        "    (response) => resolve(response.statusCode));",
        "  request.on('error', () => resolve('error'));",
        "  request.end('{}');",
        "});",
      ),
    );
    assert.equal(
      payloadOf(await invoke(lambkin.client, "bad-request-id")),
      400,
    );
    await bystanderAnswers();
  });

  it("hands a client context with newlines and non-ASCII text to the function", async () => {
    await createFunction(
      lambkin.client,
      "client-context",
      handler(
        "export const handler = async (e, context) => context.clientContext;",
      ),
    );
    const clientContext = { custom: { greeting: "snow ☃\nman", who: "José" } };
    const output = await lambkin.client.send(
      new InvokeCommand({
        FunctionName: "client-context",
        ClientContext: Buffer.from(
          JSON.stringify(clientContext, null, 2),
        ).toString("base64"),
      }),
    );
    assert.deepEqual(payloadOf(output), clientContext);
  });

  it("keeps at most the log budget of a flood of output, and says so", async () => {
    await createFunction(
      lambkin.client,
      "flood",
      handler(
        // Waits until the output has left the process: an environment is
        // frozen after it answers, and output still in its buffers waits too.
        "export const handler = async () => {",
        "  const flood = ('x'.repeat(999) + '\\n').repeat(20_000);",
        "  await new Promise((resolve) => process.stdout.write(flood, resolve));",
        "  return 'flooded';",
        "};",
      ),
    );
    assert.equal(payloadOf(await invoke(lambkin.client, "flood")), "flooded");
    const messages = await pollFunctionLog(
      lambkin.url,
      "flood",
      (lines) => countMatching(lines, /^Lambkin: log output passed/) === 1,
      { timeoutMs: 20_000, what: "the notice that output was dropped" },
    );
    const kept = countMatching(messages, /^x{999}$/);
    assert.ok(kept > 900 && kept <= 1050, `${kept} lines of 1 KB kept`);
    await bystanderAnswers();
  });

  it("notices the runtime's exit even when a grandchild holds its output open", async () => {
    await createFunction(
      lambkin.client,
      "orphan-maker",
      handler(
        "import { spawn } from 'node:child_process';",
        "export const handler = async () => {",
        "  spawn('sleep', ['30'], { stdio: 'inherit', detached: true });",
        "  setTimeout(() => process.exit(1), 100);",
        "  return new Promise(() => {});",
        "};",
      ),
      { Timeout: 20 },
    );
    const started = Date.now();
    const output = await invoke(lambkin.client, "orphan-maker");
    const tookMs = Date.now() - started;
    assert.equal(
      (payloadOf(output) as { errorType: string }).errorType,
      "Runtime.ExitError",
    );
    assert.ok(tookMs < 5_000, `took ${tookMs} ms`);
  });
});

describe("a process-only server killed by a function from an Event", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "lambkin-crash-loop-"));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  // Only the process-only sandbox lets a function signal the server.
  const start = () => startLambkin({ dataDir, args: ["--sandbox", "process"] });

  it("stops being retried after three attempts, so the server comes back", async () => {
    let lambkin = await start();
    await createFunction(
      lambkin.client,
      "server-killer",
      handler(
        "export const handler = async () => { process.kill(process.ppid, 'SIGKILL'); };",
      ),
    );
    await lambkin.client.send(
      new InvokeCommand({
        FunctionName: "server-killer",
        InvocationType: "Event",
      }),
    );
    assert.equal(await lambkin.exited, "SIGKILL");
    for (let restart = 1; restart <= 2; restart++) {
      lambkin = await start();
      assert.equal(await lambkin.exited, "SIGKILL", `restart ${restart}`);
    }
    lambkin = await start();
    await pollFunctionLog(
      lambkin.url,
      "server-killer",
      () => lambkin.stderr().includes("event invocation abandoned"),
      { timeoutMs: 10_000, what: "the event to be abandoned" },
    );
    const list = await lambkin.client.send(new ListFunctionsCommand({}));
    assert.deepEqual(
      list.Functions?.map((fn) => fn.FunctionName),
      ["server-killer"],
    );
    await lambkin.stop();
  });
});
