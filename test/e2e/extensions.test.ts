import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
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
import { pollFunctionLog } from "../support/logs.js";

/**
 * An external extension in shell: registers for INVOKE and SHUTDOWN, logs
 * every event it is given, and runs `onInvoke` before asking for the next.
 */
function shellExtension(
  name: string,
  options: { beforeRegister?: string; onInvoke?: string } = {},
): string {
  return [
    "#!/bin/sh",
    'api="http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension"',
    options.beforeRegister ?? "",
    "headers=$(mktemp)",
    `curl -sS -D "$headers" -o /dev/null -X POST "$api/register" -H "Lambda-Extension-Name: ${name}" \\`,
    '  -d \'{"events":["INVOKE","SHUTDOWN"]}\'',
    "id=$(grep -i '^lambda-extension-identifier:' \"$headers\" | cut -d' ' -f2 | tr -d '\\r')",
    `echo "[${name}] registered; _HANDLER=\${_HANDLER:-unset}"`,
    "while true; do",
    '  event=$(curl -sS -H "Lambda-Extension-Identifier: $id" "$api/event/next")',
    `  echo "[${name}] $event"`,
    '  case "$event" in *SHUTDOWN*) exit 0;; esac',
    `  ${options.onInvoke ?? ":"}`,
    "done",
    "",
  ].join("\n");
}

async function publishExtension(
  client: LambdaClient,
  layerName: string,
  extensionName: string,
  script: string,
): Promise<string> {
  const file = `extensions/${extensionName}`;
  const published = await client.send(
    new PublishLayerVersionCommand({
      LayerName: layerName,
      Content: { ZipFile: zipFiles({ [file]: script }, [file]) },
    }),
  );
  return published.LayerVersionArn!;
}

describe("external extensions", { concurrency: true }, () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
  });

  it("registers before the runtime starts and logs INVOKE and SHUTDOWN events", async () => {
    const { client, url } = lambkin;
    const layer = await publishExtension(
      client,
      "logger-extension",
      "logger",
      shellExtension("logger", {
        // The function's global code must see what the extension did first.
        beforeRegister: "sleep 0.3; echo ready > /tmp/extension-was-here",
      }),
    );
    await createFunction(
      client,
      "with-logger",
      zipFiles({
        "index.js":
          "const sawExtension = require('fs').existsSync('/tmp/extension-was-here');\n" +
          "exports.handler = async () => ({ sawExtension });",
      }),
      { Layers: [layer] },
    );
    const output = await invoke(client, "with-logger");
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    assert.deepEqual(payloadOf(output), { sawExtension: true });
    const requestId = output.$metadata.requestId!;
    const invocationLog = await pollFunctionLog(
      url,
      "with-logger",
      (messages) => messages.includes(`END RequestId: ${requestId}`),
      { timeoutMs: 5000, what: "the invocation's END line" },
    );
    const invokeLine = invocationLog.findIndex((line) =>
      line.startsWith("[logger] {"),
    );
    const endLine = invocationLog.indexOf(`END RequestId: ${requestId}`);
    assert.ok(
      invokeLine >= 0 && invokeLine < endLine,
      invocationLog.join("\n"),
    );
    const line = invocationLog[invokeLine]!;
    const event = JSON.parse(line.slice("[logger] ".length)) as {
      eventType: string;
      requestId: string;
      invokedFunctionArn: string;
      deadlineMs: number;
      tracing: { type: string; value: string };
    };
    assert.equal(event.eventType, "INVOKE");
    assert.equal(event.requestId, requestId);
    assert.equal(
      event.invokedFunctionArn,
      "arn:aws:lambda:us-east-1:000000000000:function:with-logger",
    );
    assert.ok(
      event.deadlineMs > Date.now() - 3000 &&
        event.deadlineMs <= Date.now() + 3000,
      String(event.deadlineMs),
    );
    assert.equal(event.tracing.type, "X-Amzn-Trace-Id");
    assert.match(event.tracing.value, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}/);

    // A configuration change retires the environment: SHUTDOWN, spindown.
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "with-logger",
        Description: "retire the warm environment",
      }),
    );
    const log = await pollFunctionLog(
      url,
      "with-logger",
      (messages) => messages.some((m) => m.includes('"eventType":"SHUTDOWN"')),
      { timeoutMs: 5000, what: "the SHUTDOWN event in the log" },
    );
    assert.ok(
      log.includes("[logger] registered; _HANDLER=unset"),
      log.join("\n"),
    );
    // AWS's line for a ready extension, once init is done and before START.
    const ready = log.indexOf(
      "EXTENSION\tName: logger\tState: Ready\tEvents: [INVOKE, SHUTDOWN]",
    );
    const start = log.findIndex((m) => m.startsWith("START "));
    assert.ok(ready >= 0 && ready < start, log.join("\n"));
    const shutdown = log.find((m) => m.includes('"eventType":"SHUTDOWN"'))!;
    assert.match(shutdown, /"shutdownReason":"spindown"/);
  });

  it("answers the caller at once, and ends the invocation when its extensions are done", async () => {
    const { client, url } = lambkin;
    const layer = await publishExtension(
      client,
      "slow-extension",
      "slow",
      shellExtension("slow", {
        onInvoke: 'sleep 1; echo "[slow] flushed $(date +%s%3N)"',
      }),
    );
    await createFunction(
      client,
      "with-slow-extension",
      zipFiles({ "index.js": "exports.handler = async () => 'fast';" }),
      { Layers: [layer], Timeout: 10 },
    );
    const requestIds: string[] = [];
    for (let round = 0; round < 2; round++) {
      const output = await invoke(client, "with-slow-extension");
      const answeredAt = Date.now();
      assert.equal(payloadOf(output), "fast");
      requestIds.push(output.$metadata.requestId!);
      // The response came before the extension had finished with the event.
      const log = await pollFunctionLog(
        url,
        "with-slow-extension",
        (messages) =>
          messages.filter((m) => m.startsWith("REPORT ")).length > round,
        { timeoutMs: 5000, what: "the invocation's REPORT line" },
      );
      const flushed = log.filter((m) => m.startsWith("[slow] flushed")).at(-1)!;
      assert.ok(Number(flushed.split(" ").at(-1)) > answeredAt, flushed);
    }
    const log = await pollFunctionLog(url, "with-slow-extension", () => true, {
      timeoutMs: 1000,
      what: "the log",
    });
    for (const requestId of requestIds) {
      // END and REPORT wait for the extension, and the Duration includes it.
      const end = log.indexOf(`END RequestId: ${requestId}`);
      const flushed = log.findIndex(
        (m, index) =>
          m.startsWith("[slow] flushed") &&
          index > log.indexOf(`START RequestId: ${requestId} Version: $LATEST`),
      );
      assert.ok(flushed >= 0 && flushed < end, log.join("\n"));
      const report = log.find((m) =>
        m.startsWith(`REPORT RequestId: ${requestId}`),
      )!;
      assert.ok(
        Number(/\tDuration: ([\d.]+) ms/.exec(report)?.[1]) >= 1000,
        report,
      );
    }
  });

  it("replaces the environment when an extension crashes after the runtime answered", async () => {
    const { client, url } = lambkin;
    const layer = await publishExtension(
      client,
      "crashing-extension",
      "crasher",
      shellExtension("crasher", { onInvoke: "sleep 0.3; exit 3" }),
    );
    await createFunction(
      client,
      "with-crashing-extension",
      zipFiles({ "index.js": "exports.handler = async () => 'answered';" }),
      { Layers: [layer] },
    );
    const first = await invoke(client, "with-crashing-extension");
    assert.equal(first.FunctionError, undefined);
    assert.equal(payloadOf(first), "answered");
    const reportOf = async (requestId: string) => {
      const line = `REPORT RequestId: ${requestId}`;
      const log = await pollFunctionLog(
        url,
        "with-crashing-extension",
        (messages) => messages.some((m) => m.startsWith(line)),
        { timeoutMs: 5000, what: line },
      );
      return log.find((m) => m.startsWith(line))!;
    };
    assert.match(
      await reportOf(first.$metadata.requestId!),
      /\tStatus: error\tError Type: Extension\.Crash/,
    );
    // The next invocation gets a new environment: a cold start.
    const second = await invoke(client, "with-crashing-extension");
    assert.equal(payloadOf(second), "answered");
    const secondReport = await reportOf(second.$metadata.requestId!);
    assert.match(secondReport, /\tInit Duration: /);
  });

  it("answers the Extensions API's identifier errors as AWS does", async () => {
    const { client } = lambkin;
    await createFunction(
      client,
      "extension-api-errors",
      zipFiles({
        "index.mjs": [
          "const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension`;",
          "const call = async (headers) => {",
          "  const response = await fetch(`${api}/event/next`, { headers });",
          "  return { status: response.status, body: await response.json() };",
          "};",
          "export const handler = async () => [",
          "  await call({}),",
          "  await call({ 'Lambda-Extension-Identifier': 'no-such-extension' }),",
          "];",
        ].join("\n"),
      }),
    );
    const output = await invoke(client, "extension-api-errors");
    assert.deepEqual(payloadOf(output), [
      {
        status: 403,
        body: {
          errorMessage: "Missing Lambda-Extension-Identifier header",
          errorType: "Extension.MissingExtensionIdentifier",
        },
      },
      {
        status: 403,
        body: {
          errorMessage: "Invalid Lambda-Extension-Identifier",
          errorType: "Extension.InvalidExtensionIdentifier",
        },
      },
    ]);
  });
});
