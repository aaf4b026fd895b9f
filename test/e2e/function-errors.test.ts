import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
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
import {
  countMatching,
  pollFunctionLog,
  reportDurationMs,
} from "../support/logs.js";

const ISO_TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

let server: LambkinProcess;
let client: LambdaClient;

before(async () => {
  server = await startLambkin();
  client = server.client;
});

/** The request id Lambkin gave an invocation (`x-amzn-RequestId`). */
function requestIdOf(output: InvokeCommandOutput): string {
  const requestId = output.$metadata.requestId;
  assert.ok(requestId, "the response carries a request id");
  return requestId;
}

/** Asserts a function error reported as Unhandled and returns its payload. */
function unhandledPayload(
  output: InvokeCommandOutput,
  errorType: string,
): Record<string, unknown> {
  assert.equal(output.StatusCode, 200);
  assert.equal(output.FunctionError, "Unhandled");
  const payload = payloadOf(output) as Record<string, unknown>;
  assert.equal(payload.errorType, errorType, JSON.stringify(payload));
  return payload;
}

/** The REPORT line of an invocation in its log tail. */
function reportLineOf(output: InvokeCommandOutput): string {
  const prefix = `REPORT RequestId: ${requestIdOf(output)}\t`;
  const line = logTailOf(output)
    .split("\n")
    .find((candidate) => candidate.startsWith(prefix));
  assert.ok(line, `a REPORT line in:\n${logTailOf(output)}`);
  return line;
}

function assertColdStart(output: InvokeCommandOutput): void {
  assert.match(reportLineOf(output), /\tInit Duration: \d+\.\d\d ms\t/);
}

function assertWarmStart(output: InvokeCommandOutput): void {
  assert.doesNotMatch(reportLineOf(output), /Init Duration/);
}

/** Creates a Node.js 20 function from in-memory files. */
function deploy(
  name: string,
  files: Record<string, string>,
  handler = "index.handler",
) {
  return createFunction(client, name, zipFiles(files), { Handler: handler });
}

describe("function errors end to end", () => {
  describe("timeouts", { concurrency: true }, () => {
    it("fails past the 3 s default timeout as Sandbox.Timedout and starts cold again", async () => {
      await createExample(client, "waiter", "waiter-times-out");

      const output = await invoke(client, "waiter-times-out", {
        waitingPeriodSeconds: 5,
      });

      const requestId = requestIdOf(output);
      assert.deepEqual(unhandledPayload(output, "Sandbox.Timedout"), {
        errorType: "Sandbox.Timedout",
        errorMessage: `RequestId: ${requestId} Error: Task timed out after 3.00 seconds`,
      });
      const tail = logTailOf(output);
      assert.match(
        tail,
        new RegExp(
          `^${ISO_TIME} ${requestId} Task timed out after 3\\.00 seconds$`,
          "m",
        ),
      );
      const report = reportLineOf(output);
      assert.equal(reportDurationMs(report), 3000, report);
      assert.match(report, /\tBilled Duration: 3000 ms\t/);
      assert.match(report, /\tStatus: timeout\t$/);
      assertColdStart(output);

      // The timed-out environment was reset: the next invocation inits a new one.
      const next = await invoke(client, "waiter-times-out", {
        waitingPeriodSeconds: 0,
      });
      assert.equal(next.FunctionError, undefined);
      assert.deepEqual(payloadOf(next), { statusCode: 200 });
      assertColdStart(next);
    });

    it("returns the waiter's answer after 5 s when the timeout is 10 s", async () => {
      await createExample(client, "waiter", "waiter-in-time", { Timeout: 10 });

      const started = performance.now();
      const output = await invoke(client, "waiter-in-time", {
        waitingPeriodSeconds: 5,
      });
      const elapsedMs = performance.now() - started;

      assert.equal(output.FunctionError, undefined);
      assert.deepEqual(payloadOf(output), { statusCode: 200 });
      assert.ok(elapsedMs >= 5000, `took ${elapsedMs} ms`);
    });
  });

  describe("handler errors", () => {
    it("returns a thrown error as Unhandled and keeps the environment warm", async () => {
      await deploy("throws-on-demand", {
        "index.js": [
          "let count = 0;",
          "exports.handler = async (event) => {",
          "  count += 1;",
          '  if (event.fail) throw new TypeError("bad input at call " + count);',
          "  return { count };",
          "};",
        ].join("\n"),
      });

      assert.deepEqual(payloadOf(await invoke(client, "throws-on-demand")), {
        count: 1,
      });
      const failed = await invoke(client, "throws-on-demand", { fail: true });
      const payload = unhandledPayload(failed, "TypeError");
      assert.equal(payload.errorMessage, "bad input at call 2");
      assert.deepEqual(Object.keys(payload).sort(), [
        "errorMessage",
        "errorType",
        "trace",
      ]);
      const trace = payload.trace as string[];
      assert.equal(trace[0], "TypeError: bad input at call 2");
      assert.match(trace[1]!, /^ {4}at .*index\.js:4:\d+\)?$/);
      assert.match(
        logTailOf(failed),
        new RegExp(
          `^${ISO_TIME}\\t${requestIdOf(failed)}\\tERROR\\tInvoke Error \\t` +
            `\\{"errorType":"TypeError","errorMessage":"bad input at call 2"`,
          "m",
        ),
      );

      const next = await invoke(client, "throws-on-demand");
      assert.deepEqual(payloadOf(next), { count: 3 });
      assertWarmStart(next);
    });
  });

  describe("process exits during an invocation", () => {
    before(() =>
      deploy("exits-on-demand", {
        "index.js": [
          "let invocations = 0;",
          "exports.handler = async (event) => {",
          "  invocations += 1;",
          "  if (event.exitCode !== undefined) process.exit(event.exitCode);",
          "  return { invocations };",
          "};",
        ].join("\n"),
      }),
    );

    for (const [exitCode, reason] of [
      [0, "Runtime exited without providing a reason"],
      [3, "Runtime exited with error: exit status 3"],
    ] as const) {
      it(`reports process.exit(${exitCode}) as Runtime.ExitError and recovers`, async () => {
        const output = await invoke(client, "exits-on-demand", { exitCode });

        const errorMessage = `RequestId: ${requestIdOf(output)} Error: ${reason}`;
        assert.deepEqual(unhandledPayload(output, "Runtime.ExitError"), {
          errorType: "Runtime.ExitError",
          errorMessage,
        });
        assert.ok(
          logTailOf(output).split("\n").includes(errorMessage),
          logTailOf(output),
        );

        // A new environment: global state starts over and init runs again.
        const next = await invoke(client, "exits-on-demand");
        assert.equal(next.FunctionError, undefined);
        assert.deepEqual(payloadOf(next), { invocations: 1 });
        assertColdStart(next);
      });
    }
  });

  describe("init errors", () => {
    const healthy = "exports.handler = async () => ({ ok: true });";

    before(() => createExample(client, "echo", "echo-still-serving"));

    /** Invokes twice (init is retried in a fresh environment) and checks the server still serves. */
    async function invokeFailingInit(name: string, errorType: string) {
      const first = await invoke(client, name);
      const payload = unhandledPayload(first, errorType);
      const second = await invoke(client, name);
      assert.deepEqual(unhandledPayload(second, errorType), payload);
      const echo = await invoke(client, "echo-still-serving", {
        message: "still here",
      });
      assert.deepEqual(payloadOf(echo), { message: "still here" });
      return payload;
    }

    it("reports a missing module as Runtime.ImportModuleError", async () => {
      await deploy("missing-module", { "index.js": healthy }, "nope.handler");
      const payload = await invokeFailingInit(
        "missing-module",
        "Runtime.ImportModuleError",
      );
      assert.match(
        String(payload.errorMessage),
        /^Error: Cannot find module 'nope'/,
      );
    });

    it("reports a missing export as Runtime.HandlerNotFound", async () => {
      await deploy("missing-export", { "index.js": healthy }, "index.nothere");
      const payload = await invokeFailingInit(
        "missing-export",
        "Runtime.HandlerNotFound",
      );
      assert.equal(
        payload.errorMessage,
        "index.nothere is undefined or not exported",
      );
    });

    it("reports a syntax error as Runtime.UserCodeSyntaxError", async () => {
      await deploy("syntax-error", {
        "index.js": "exports.handler = async () => {",
      });
      const payload = await invokeFailingInit(
        "syntax-error",
        "Runtime.UserCodeSyntaxError",
      );
      assert.equal(
        payload.errorMessage,
        "SyntaxError: Unexpected end of input",
      );
    });
  });

  describe("crashes during an invocation", () => {
    it("reports an exception thrown from a timer as the function's error", async () => {
      await deploy("throws-from-timer", {
        "index.js": [
          "let invocations = 0;",
          "exports.handler = async (event) => {",
          "  invocations += 1;",
          "  if (!event.crash) return { invocations };",
          '  setTimeout(() => { throw new RangeError("late failure"); }, 10);',
          "  await new Promise((resolve) => setTimeout(resolve, 2000));",
          '  return "not reached";',
          "};",
        ].join("\n"),
      });

      const output = await invoke(client, "throws-from-timer", { crash: true });

      const payload = unhandledPayload(output, "RangeError");
      assert.equal(payload.errorMessage, "late failure");
      assert.equal((payload.trace as string[])[0], "RangeError: late failure");
      assert.match(
        logTailOf(output),
        /\tERROR\tUncaught Exception \t\{"errorType":"RangeError"/,
      );
      // The runtime exits after an uncaught exception, so a new environment serves next.
      const next = await invoke(client, "throws-from-timer");
      assert.equal(next.FunctionError, undefined);
      assert.deepEqual(payloadOf(next), { invocations: 1 });
    });

    it("reports an unhandled rejection as Runtime.UnhandledPromiseRejection", async () => {
      await deploy("rejects-unhandled", {
        "index.js": [
          "let invocations = 0;",
          "exports.handler = async (event) => {",
          "  invocations += 1;",
          "  if (!event.crash) return { invocations };",
          '  Promise.reject(new Error("nobody caught me"));',
          "  await new Promise((resolve) => setTimeout(resolve, 2000));",
          '  return "not reached";',
          "};",
        ].join("\n"),
      });

      const output = await invoke(client, "rejects-unhandled", { crash: true });

      const payload = unhandledPayload(
        output,
        "Runtime.UnhandledPromiseRejection",
      );
      assert.equal(payload.errorMessage, "Error: nobody caught me");
      assert.equal(
        (payload.trace as string[])[0],
        "Runtime.UnhandledPromiseRejection: Error: nobody caught me",
      );
      const next = await invoke(client, "rejects-unhandled");
      assert.equal(next.FunctionError, undefined);
      assert.deepEqual(payloadOf(next), { invocations: 1 });
    });
  });

  describe("handler contract", () => {
    it("returns the result a callback-style handler passes to its callback", async () => {
      await deploy("callback-style", {
        "index.js": [
          "exports.handler = (event, context, callback) => {",
          '  callback(null, { via: "callback", value: event.value });',
          "};",
        ].join("\n"),
      });

      const output = await invoke(client, "callback-style", { value: 42 });

      assert.equal(output.FunctionError, undefined);
      assert.deepEqual(payloadOf(output), { via: "callback", value: 42 });
    });

    it("gives the handler AWS's context fields and environment variables", async () => {
      const name = "reports-context";
      await createFunction(
        client,
        name,
        zipFiles({
          "index.js": [
            "const VARIABLES = [",
            '  "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",',
            '  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME",',
            '  "AWS_LAMBDA_LOG_STREAM_NAME", "_HANDLER", "LAMBDA_TASK_ROOT",',
            '  "AWS_LAMBDA_RUNTIME_API", "TZ", "AWS_ENDPOINT_URL", "GREETING",',
            "];",
            "exports.handler = async (event, context) => ({",
            "  context: {",
            "    functionName: context.functionName,",
            "    functionVersion: context.functionVersion,",
            "    invokedFunctionArn: context.invokedFunctionArn,",
            "    memoryLimitInMB: context.memoryLimitInMB,",
            "    awsRequestId: context.awsRequestId,",
            "    logGroupName: context.logGroupName,",
            "    logStreamName: context.logStreamName,",
            "    remainingTimeInMillis: context.getRemainingTimeInMillis(),",
            "  },",
            "  cwd: process.cwd(),",
            "  env: Object.fromEntries(VARIABLES.map((key) => [key, process.env[key]])),",
            "});",
          ].join("\n"),
        }),
        { MemorySize: 256, Environment: { Variables: { GREETING: "hello" } } },
      );

      const output = await invoke(client, name);

      const { context, cwd, env } = payloadOf(output) as {
        context: Record<string, unknown>;
        cwd: string;
        env: Record<string, string | undefined>;
      };
      const logStreamName = String(context.logStreamName);
      assert.match(
        logStreamName,
        /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/,
      );
      const remaining = Number(context.remainingTimeInMillis);
      assert.ok(
        remaining > 0 && remaining <= 3000,
        `remaining time ${remaining}`,
      );
      assert.deepEqual(context, {
        functionName: name,
        functionVersion: "$LATEST",
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        memoryLimitInMB: "256",
        awsRequestId: requestIdOf(output),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName,
        remainingTimeInMillis: remaining,
      });
      assert.match(String(env.AWS_LAMBDA_RUNTIME_API), /^127\.0\.0\.1:\d+$/);
      assert.deepEqual(env, {
        AWS_REGION: "us-east-1",
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        _HANDLER: "index.handler",
        // The runtime's working directory is the task root, as /var/task is on AWS.
        LAMBDA_TASK_ROOT: cwd,
        AWS_LAMBDA_RUNTIME_API: env.AWS_LAMBDA_RUNTIME_API,
        TZ: ":UTC",
        AWS_ENDPOINT_URL: server.url,
        GREETING: "hello",
      });
    });

    it("says once in the log that nodejs22.x runs on the host's Node.js 20", async () => {
      const name = "runs-nodejs22";
      await createFunction(
        client,
        name,
        zipFiles({ "index.js": "exports.handler = async () => 1;" }),
        {
          Runtime: "nodejs22.x",
        },
      );
      const hostMajor = process.versions.node.split(".")[0];
      assert.notEqual(
        hostMajor,
        "22",
        "this test needs a host Node.js other than 22",
      );

      assert.equal(payloadOf(await invoke(client, name)), 1);
      assertWarmStart(await invoke(client, name));

      const notice = new RegExp(`nodejs22\\.x.*Node\\.js v?${hostMajor}\\.`);
      const messages = await pollFunctionLog(
        server.url,
        name,
        (lines) => countMatching(lines, /^REPORT /) === 2,
        {
          timeoutMs: 5000,
          what: "two REPORT lines",
        },
      );
      assert.equal(countMatching(messages, notice), 1, messages.join("\n"));
    });

    it("writes console output as tab-separated time, request id, level and message", async () => {
      await deploy("logs-to-console", {
        "index.js": [
          "exports.handler = async () => {",
          '  console.log("hello", { answer: 42 });',
          '  console.info("two\\nlines");',
          '  console.warn("careful");',
          '  console.error("went wrong");',
          "  return null;",
          "};",
        ].join("\n"),
      });

      const output = await invoke(client, "logs-to-console");

      // One log event per console call; a message's own newlines stay inside it.
      const requestId = requestIdOf(output);
      const messages = await pollFunctionLog(
        server.url,
        "logs-to-console",
        (lines) =>
          lines.some((line) => line.startsWith(`END RequestId: ${requestId}`)),
        { timeoutMs: 5000, what: "the END line" },
      );
      const records = messages.filter((line) =>
        line.includes(`\t${requestId}\t`),
      );
      const expected = [
        ["INFO", "hello { answer: 42 }"],
        ["INFO", "two\nlines"],
        ["WARN", "careful"],
        ["ERROR", "went wrong"],
      ];
      assert.equal(records.length, expected.length, records.join("\n"));
      const tail = logTailOf(output);
      records.forEach((record, at) => {
        const [time, ...rest] = record.split("\t");
        assert.match(time!, new RegExp(`^${ISO_TIME}$`));
        assert.deepEqual(rest, [requestId, ...expected[at]!]);
        assert.ok(tail.includes(`${record}\n`), `the log tail has ${record}`);
      });
    });
  });
});
