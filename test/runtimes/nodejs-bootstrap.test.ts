import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  RawBody,
  startRuntime,
  type Posted,
  type RunningRuntime,
  type RuntimeSetup,
} from "./nodejs-runtime-harness.js";

const TIMESTAMP = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const INIT_ERROR_PATH = "/2018-06-01/runtime/init/error";
const ERROR_TYPE_HEADER = "lambda-runtime-function-error-type";

const running: RunningRuntime[] = [];

async function start(setup: RuntimeSetup): Promise<RunningRuntime> {
  const runtime = await startRuntime(setup);
  running.push(runtime);
  return runtime;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.dispose()));
});

/** Joins lines of handler source. */
const js = (...lines: string[]): string => lines.join("\n");

/** A function whose one invocation must post `body` to `/response`. */
interface ResponseCase {
  title: string;
  files: Record<string, string>;
  handler?: string;
  body: string;
}

/** A function whose one invocation must post an error. */
interface ErrorCase {
  title: string;
  code: string;
  errorType: string;
  /** The exact message, or a pattern for messages naming paths. */
  errorMessage: string | RegExp;
}

/** A function whose init must fail. */
interface InitErrorCase {
  title: string;
  files: Record<string, string>;
  handler: string;
  errorType: string;
  errorMessage: string | RegExp;
}

function assertMessage(actual: unknown, expected: string | RegExp): void {
  if (typeof expected === "string") assert.equal(actual, expected);
  else assert.match(String(actual), expected);
}

/** Starts a runtime and sends it one event. */
async function invokeOnce(
  files: Record<string, string>,
  handler: string,
  event: unknown = { hello: "world" },
): Promise<{ posted: Posted; runtime: RunningRuntime }> {
  const runtime = await start({ files, handler });
  const posted = await runtime.invoke(event);
  return { posted, runtime };
}

function assertResponse(posted: Posted, body: string): void {
  assert.match(
    posted.path,
    /^\/2018-06-01\/runtime\/invocation\/[^/]+\/response$/,
  );
  assert.equal(posted.body, body);
}

/** Asserts an `/error` post and returns its parsed body. */
function assertError(
  posted: Posted,
  errorType: string,
): Record<string, unknown> {
  assert.match(
    posted.path,
    /^\/2018-06-01\/runtime\/invocation\/[^/]+\/error$/,
  );
  assert.equal(posted.headers[ERROR_TYPE_HEADER], errorType);
  const body = JSON.parse(posted.body) as Record<string, unknown>;
  assert.equal(body.errorType, errorType);
  return body;
}

/** Starts a runtime expected to fail init; returns the init error body. */
async function startExpectingInitError(
  setup: RuntimeSetup,
  errorType: string,
  exitCode = 129,
): Promise<{ body: Record<string, unknown>; runtime: RunningRuntime }> {
  const runtime = await start(setup);
  const posted = await runtime.waitForPost((p) => p.path === INIT_ERROR_PATH);
  assert.equal(posted.headers[ERROR_TYPE_HEADER], errorType);
  const body = JSON.parse(posted.body) as Record<string, unknown>;
  assert.equal(body.errorType, errorType);
  assert.equal(await runtime.exited, exitCode);
  assert.equal(runtime.api.nextCalls, 0);
  return { body, runtime };
}

describe("Node.js runtime bootstrap", () => {
  describe("loading the handler", () => {
    const cases: ResponseCase[] = [
      {
        title: "requires a CommonJS .js handler",
        files: {
          "index.js":
            "exports.handler = async (event) => ({ got: event, cjs: typeof require });",
        },
        body: '{"got":{"hello":"world"},"cjs":"function"}',
      },
      {
        title: "imports a .js handler when package.json says type module",
        files: {
          "package.json": '{"type":"module"}',
          "index.js": "export const handler = async () => typeof require;",
        },
        body: '"undefined"',
      },
      {
        title: "imports an .mjs handler",
        files: {
          "app.mjs": js(
            "export async function main() {",
            "  return import.meta.url.endsWith('/app.mjs');",
            "}",
          ),
        },
        handler: "app.main",
        body: "true",
      },
      {
        title: "requires a .cjs handler",
        files: {
          "package.json": '{"type":"module"}',
          "app.cjs": "module.exports.main = async () => typeof module;",
        },
        handler: "app.main",
        body: '"object"',
      },
      {
        title: "loads a handler from a nested directory",
        files: {
          "src/lib/app.js":
            "exports.main = async () => __filename.endsWith('/src/lib/app.js');",
        },
        handler: "src/lib/app.main",
        body: "true",
      },
      {
        title: "follows a nested property path",
        files: {
          "index.js": "exports.api = { v1: { get: async () => 'v1' } };",
        },
        handler: "index.api.v1.get",
        body: '"v1"',
      },
      {
        title: "completes an ES module's top-level await during init",
        files: {
          "index.mjs": js(
            "const value = await new Promise((r) => setTimeout(r, 20, 42));",
            "export const handler = async () => value;",
          ),
        },
        body: "42",
      },
    ];
    for (const { title, files, handler, body } of cases) {
      it(title, async () => {
        const { posted } = await invokeOnce(files, handler ?? "index.handler");
        assertResponse(posted, body);
      });
    }
  });

  describe("init failures", () => {
    const cases: InitErrorCase[] = [
      {
        title: "reports a missing module as Runtime.ImportModuleError",
        files: {},
        handler: "missing.handler",
        errorType: "Runtime.ImportModuleError",
        errorMessage: /^Error: Cannot find module 'missing'\n/,
      },
      {
        // AWS's runtime wraps only require()'s MODULE_NOT_FOUND.
        title: "reports a missing ESM dependency as the plain Error Node threw",
        files: {
          "index.mjs": js(
            "import 'no-such-package';",
            "export const handler = async () => 1;",
          ),
        },
        handler: "index.handler",
        errorType: "Error",
        errorMessage: /^Cannot find package 'no-such-package' imported from /,
      },
      {
        title: "reports a missing export as Runtime.HandlerNotFound",
        files: { "index.js": "exports.other = async () => 1;" },
        handler: "index.handler",
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "index.handler is undefined or not exported",
      },
      {
        title: "reports an export that is not a function",
        files: { "src/app.js": "exports.main = { nested: 42 };" },
        handler: "src/app.main.nested",
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "src/app.main.nested is not a function",
      },
      {
        title: "does not look for the handler on the default export",
        files: {
          "index.mjs": "export default { handler: async () => 1 };",
        },
        handler: "index.handler",
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "index.handler is undefined or not exported",
      },
      {
        title: "reports a syntax error as Runtime.UserCodeSyntaxError",
        files: { "index.js": "exports.handler = async () => {" },
        handler: "index.handler",
        errorType: "Runtime.UserCodeSyntaxError",
        errorMessage: /^SyntaxError: /,
      },
      {
        title: "rejects a handler without a dot as Bad handler",
        files: { "index.js": "exports.handler = async () => 1;" },
        handler: "index",
        errorType: "Runtime.MalformedHandlerName",
        errorMessage: "Bad handler",
      },
      {
        title: "rejects a handler containing '..'",
        files: {},
        handler: "../index.handler",
        errorType: "Runtime.MalformedHandlerName",
        errorMessage:
          "'../index.handler' is not a valid handler name. Use absolute paths " +
          "when specifying root directories in handler names.",
      },
    ];
    for (const { title, files, handler, errorType, errorMessage } of cases) {
      it(title, async () => {
        const { body } = await startExpectingInitError(
          { files, handler },
          errorType,
        );
        assertMessage(body.errorMessage, errorMessage);
        assert.ok(Array.isArray(body.trace));
      });
    }

    it("reports a rejection module code left unhandled", async () => {
      const { body, runtime } = await startExpectingInitError(
        {
          files: {
            "index.js": js(
              "Promise.reject(new Error('init lost'));",
              "exports.handler = async () => 1;",
            ),
          },
          handler: "index.handler",
        },
        "Runtime.UnhandledPromiseRejection",
        128,
      );
      assert.equal(body.errorMessage, "Error: init lost");
      assert.equal(runtime.api.posts.length, 1);
    });

    it("reports an error thrown by module code and logs it as AWS does", async () => {
      const { body, runtime } = await startExpectingInitError(
        {
          files: { "index.js": "throw new TypeError('bad config');" },
          handler: "index.handler",
        },
        "TypeError",
      );
      assert.equal(body.errorMessage, "bad config");
      const line = await runtime.waitForLine(/Uncaught Exception/);
      assert.match(
        line,
        new RegExp(
          `^${TIMESTAMP}\\tundefined\\tERROR\\tUncaught Exception \\t` +
            String.raw`\{"errorType":"TypeError","errorMessage":"bad config",` +
            String.raw`"stack":\["TypeError: bad config","    at `,
        ),
      );
    });
  });

  describe("invocation results", () => {
    const cases: ResponseCase[] = [
      {
        title: "posts an async handler's result",
        files: {
          "index.js":
            "exports.handler = async (event) => ({ echo: event.hello });",
        },
        body: '{"echo":"world"}',
      },
      {
        title: "posts the value a returned promise resolves to",
        files: {
          "index.js":
            "exports.handler = () => new Promise((r) => setTimeout(r, 5, 'later'));",
        },
        body: '"later"',
      },
      {
        title: "posts null for an undefined result",
        files: { "index.js": "exports.handler = async () => undefined;" },
        body: "null",
      },
      {
        title:
          "waits for the event loop to drain before posting a callback result",
        files: {
          "index.js": js(
            "exports.handler = (event, context, callback) => {",
            "  const result = { timerRan: false };",
            "  callback(null, result);",
            "  setTimeout(() => { result.timerRan = true; }, 20);",
            "};",
          ),
        },
        body: '{"timerRan":true}',
      },
      {
        title:
          "posts a callback result at once when callbackWaitsForEmptyEventLoop is false",
        files: {
          "index.js": js(
            "exports.handler = (event, context, callback) => {",
            "  context.callbackWaitsForEmptyEventLoop = false;",
            "  const result = { timerRan: false };",
            "  setTimeout(() => { result.timerRan = true; }, 20);",
            "  callback(null, result);",
            "};",
          ),
        },
        body: '{"timerRan":false}',
      },
      {
        title:
          "posts null for a sync handler that neither calls back nor returns a promise",
        files: { "index.js": "exports.handler = () => 'ignored';" },
        body: "null",
      },
      {
        title: "posts context.succeed's value",
        files: {
          "index.js":
            "exports.handler = (event, context) => { context.succeed({ ok: 1 }); };",
        },
        body: '{"ok":1}',
      },
    ];
    for (const { title, files, handler, body } of cases) {
      it(title, async () => {
        const { posted } = await invokeOnce(files, handler ?? "index.handler");
        assertResponse(posted, body);
      });
    }

    it("passes any JSON value as the event", async () => {
      const runtime = await start({
        files: {
          "index.js": "exports.handler = async (event) => ({ event });",
        },
        handler: "index.handler",
      });
      for (const event of ["text", 7, [1, "two"], null, { a: { b: true } }]) {
        const posted = await runtime.invoke(event);
        assertResponse(posted, JSON.stringify({ event }));
      }
    });

    it("counts only the first completion", async () => {
      const { posted, runtime } = await invokeOnce(
        {
          "index.js": js(
            "exports.handler = (event, context, callback) => {",
            "  callback(null, 'first');",
            "  callback(null, 'second');",
            "  context.succeed('third');",
            "};",
          ),
        },
        "index.handler",
      );
      assertResponse(posted, '"first"');
      await runtime.api.waitForNext(2);
      assert.equal(runtime.api.posts.length, 1);
    });

    it("runs module code once across invocations", async () => {
      const runtime = await start({
        files: {
          "index.js": js(
            "let count = 0;",
            "console.log('module loaded');",
            "exports.handler = async () => ++count;",
          ),
        },
        handler: "index.handler",
      });
      assertResponse(await runtime.invoke({}), "1");
      assertResponse(await runtime.invoke({}), "2");
      await runtime.waitForLine(/module loaded/);
      assert.equal(runtime.stdout().split("module loaded").length, 2);
    });
  });

  describe("invocation errors", () => {
    const cases: ErrorCase[] = [
      {
        title: "reports a rejected custom error by its name",
        code: js(
          "class ValidationError extends Error {}",
          "ValidationError.prototype.name = 'ValidationError';",
          "exports.handler = () => Promise.reject(new ValidationError('bad input'));",
        ),
        errorType: "ValidationError",
        errorMessage: "bad input",
      },
      {
        title: "reports the error passed to the callback",
        code: "exports.handler = (e, c, callback) => callback(new RangeError('out'));",
        errorType: "RangeError",
        errorMessage: "out",
      },
      {
        title: "reports a result that cannot be serialized",
        code: "exports.handler = async () => { const a = {}; a.self = a; return a; };",
        errorType: "Error",
        errorMessage: "Unable to stringify response body",
      },
      {
        title: "reports a result with no JSON as the native client's TypeError",
        code: "exports.handler = async () => () => 1;",
        errorType: "TypeError",
        errorMessage: "Wrong arguments",
      },
    ];
    for (const { title, code, errorType, errorMessage } of cases) {
      it(title, async () => {
        const runtime = await start({
          files: { "index.js": code },
          handler: "index.handler",
        });
        const body = assertError(await runtime.invoke({}), errorType);
        assertMessage(body.errorMessage, errorMessage);
      });
    }

    const exactBodies: Array<{ title: string; code: string; body: string }> = [
      {
        title: "reports a thrown non-Error by its type",
        code: "exports.handler = async () => { throw 'boom'; };",
        body: '{"errorType":"string","errorMessage":"boom","trace":[]}',
      },
      {
        title: "reports context.fail() without a reason as 'handled'",
        code: "exports.handler = (event, context) => context.fail();",
        body: '{"errorType":"string","errorMessage":"handled","trace":[]}',
      },
    ];
    for (const { title, code, body } of exactBodies) {
      it(title, async () => {
        const { posted } = await invokeOnce(
          { "index.js": code },
          "index.handler",
        );
        assertError(posted, "string");
        assert.equal(posted.body, body);
      });
    }

    it("reports an event that is not JSON as a SyntaxError", async () => {
      const runtime = await start({
        files: { "index.js": "exports.handler = async () => 'unreachable';" },
        handler: "index.handler",
      });
      const posted = await runtime.invoke(new RawBody("{not json"));
      assert.match(
        String(assertError(posted, "SyntaxError").errorMessage),
        /JSON/,
      );
    });

    it("reports a thrown Error with its stack and logs an Invoke Error line", async () => {
      const { posted, runtime } = await invokeOnce(
        {
          "index.js":
            "exports.handler = async () => { throw new Error('boom'); };",
        },
        "index.handler",
      );
      const body = assertError(posted, "Error");
      assert.deepEqual(Object.keys(body), [
        "errorType",
        "errorMessage",
        "trace",
      ]);
      assert.equal(body.errorMessage, "boom");
      const trace = body.trace as string[];
      assert.equal(trace[0], "Error: boom");
      assert.match(trace[1] ?? "", /index\.js:1:/);
      const requestId = posted.path.split("/")[4];
      const line = await runtime.waitForLine(/Invoke Error/);
      assert.match(
        line,
        new RegExp(
          `^${TIMESTAMP}\\t${requestId}\\tERROR\\tInvoke Error \\t` +
            String.raw`\{"errorType":"Error","errorMessage":"boom",` +
            String.raw`"stack":\["Error: boom","    at .*index\.js:1:`,
        ),
      );
    });

    it("reports a promise that never settles as Runtime.NodeJsExit and keeps serving", async () => {
      const runtime = await start({
        files: {
          "index.js":
            "exports.handler = async (event) => event.hang ? new Promise(() => {}) : 'served';",
        },
        handler: "index.handler",
      });
      const body = assertError(
        await runtime.invoke({ hang: true }),
        "Runtime.NodeJsExit",
      );
      assert.equal(
        body.errorMessage,
        "The Lambda runtime client detected an unexpected Node.js exit code. " +
          "This is most commonly caused by a Promise that was never settled. " +
          "For more information, see " +
          "https://nodejs.org/docs/latest/api/process.html#exit-codes",
      );
      assertResponse(await runtime.invoke({ hang: false }), '"served"');
    });

    it("reports an unhandled rejection and exits with code 128", async () => {
      const { posted, runtime } = await invokeOnce(
        {
          "index.js": js(
            "exports.handler = async () => {",
            "  Promise.reject(new Error('lost'));",
            "  return new Promise((r) => setTimeout(r, 5000));",
            "};",
          ),
        },
        "index.handler",
      );
      const body = assertError(posted, "Runtime.UnhandledPromiseRejection");
      assert.equal(body.errorMessage, "Error: lost");
      assert.equal(await runtime.exited, 128);
      await runtime.waitForLine(
        /\tERROR\tUnhandled Promise Rejection \t\{"errorType":"Runtime.UnhandledPromiseRejection"/,
      );
    });

    it("reports an uncaught exception and exits with code 129", async () => {
      const { posted, runtime } = await invokeOnce(
        {
          "index.js": js(
            "exports.handler = (event, context, callback) => {",
            "  setTimeout(() => { throw new Error('kaboom'); }, 1);",
            "};",
          ),
        },
        "index.handler",
      );
      assert.equal(assertError(posted, "Error").errorMessage, "kaboom");
      assert.equal(await runtime.exited, 129);
    });
  });

  describe("context", () => {
    const CONTEXT_FIELDS = [
      "functionName",
      "functionVersion",
      "invokedFunctionArn",
      "memoryLimitInMB",
      "awsRequestId",
      "logGroupName",
      "logStreamName",
      "identity",
      "clientContext",
    ];

    it("exposes the invocation's fields and remaining time", async () => {
      const runtime = await start({
        files: {
          // Echo every plain context field, plus the computed ones.
          "index.js": js(
            "exports.handler = async (event, context) => ({",
            ...CONTEXT_FIELDS.map((field) => `  ${field}: context.${field},`),
            "  waits: context.callbackWaitsForEmptyEventLoop,",
            "  remaining: context.getRemainingTimeInMillis(),",
            "  traceId: process.env._X_AMZN_TRACE_ID ?? null,",
            "});",
          ),
        },
        handler: "index.handler",
      });
      const sentAt = Date.now();
      const posted = await runtime.invoke(
        {},
        {
          "Lambda-Runtime-Aws-Request-Id": "req-1",
          "Lambda-Runtime-Deadline-Ms": String(sentAt + 5000),
          "Lambda-Runtime-Invoked-Function-Arn":
            "arn:aws:lambda:us-east-1:123456789012:function:test-fn:live",
          "Lambda-Runtime-Trace-Id":
            "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
          "Lambda-Runtime-Client-Context": '{"custom":{"k":"v"}}',
          "Lambda-Runtime-Cognito-Identity":
            '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
        },
      );
      const { remaining, ...fields } = JSON.parse(posted.body) as Record<
        string,
        unknown
      >;
      assert.deepEqual(fields, {
        functionName: "test-fn",
        functionVersion: "$LATEST",
        invokedFunctionArn:
          "arn:aws:lambda:us-east-1:123456789012:function:test-fn:live",
        memoryLimitInMB: "256",
        awsRequestId: "req-1",
        logGroupName: "/aws/lambda/test-fn",
        logStreamName: "2026/01/01/[$LATEST]0123456789abcdef",
        identity: {
          cognitoIdentityId: "id-1",
          cognitoIdentityPoolId: "pool-1",
        },
        clientContext: { custom: { k: "v" } },
        waits: true,
        traceId: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
      });
      const receivedAt = Date.now();
      assert.equal(typeof remaining, "number");
      assert.ok(
        (remaining as number) >= sentAt + 5000 - receivedAt &&
          (remaining as number) <= 5000,
        `remaining time ${String(remaining)} is outside the deadline window`,
      );

      const second = JSON.parse((await runtime.invoke({})).body) as Record<
        string,
        unknown
      >;
      assert.equal(second.traceId, null);
      assert.equal(second.identity, undefined);
    });
  });

  describe("function logs", () => {
    it("writes one tab-separated line per console call", async () => {
      const runtime = await start({
        files: {
          "index.js": [
            "console.log('cold start');",
            "exports.handler = async () => {",
            "  console.log('two\\nlines');",
            "  console.info('%s=%d', 'x', 5);",
            "  console.warn('careful');",
            "  console.error('broken', { code: 7 });",
            "  console.debug('details');",
            "  console.trace('tracing');",
            "  process.stdout.write('raw\\toutput\\n');",
            "  return 'done';",
            "};",
          ].join("\n"),
        },
        handler: "index.handler",
      });
      await runtime.invoke({}, { "Lambda-Runtime-Aws-Request-Id": "req-log" });
      await runtime.waitForLine(/^raw/);
      const lines = runtime.stdout().split("\n");
      const pattern = new RegExp(`^${TIMESTAMP}\\t`);
      assert.deepEqual(
        lines.map((line) => line.replace(pattern, "")),
        [
          "undefined\tINFO\tcold start",
          "req-log\tINFO\ttwo\rlines",
          "req-log\tINFO\tx=5",
          "req-log\tWARN\tcareful",
          "req-log\tERROR\tbroken { code: 7 }",
          "req-log\tDEBUG\tdetails",
          "req-log\tTRACE\ttracing",
          "raw\toutput",
          "",
        ],
      );
      assert.equal(lines.filter((line) => pattern.test(line)).length, 7);
    });

    it("writes JSON records filtered by AWS_LAMBDA_LOG_LEVEL", async () => {
      const runtime = await start({
        files: {
          "index.js": [
            "exports.handler = async () => {",
            "  console.info('hidden');",
            "  console.warn('shown', { a: 1 });",
            "  console.error({ nested: ['x'] });",
            "  console.error(new TypeError('bad'));",
            "  return 'done';",
            "};",
          ].join("\n"),
        },
        handler: "index.handler",
        env: { AWS_LAMBDA_LOG_FORMAT: "JSON", AWS_LAMBDA_LOG_LEVEL: "WARN" },
      });
      await runtime.invoke({}, { "Lambda-Runtime-Aws-Request-Id": "req-json" });
      await runtime.waitForLine(/TypeError/);
      const records = runtime
        .stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const record of records) {
        assert.match(String(record.timestamp), new RegExp(`^${TIMESTAMP}$`));
        delete record.timestamp;
      }
      assert.deepEqual(records, [
        { level: "WARN", requestId: "req-json", message: "shown { a: 1 }" },
        { level: "ERROR", requestId: "req-json", message: { nested: ["x"] } },
        {
          level: "ERROR",
          requestId: "req-json",
          message: {
            errorType: "TypeError",
            errorMessage: "bad",
            stackTrace: (records[2]?.message as { stackTrace: string[] })
              .stackTrace,
          },
        },
      ]);
      const { stackTrace } = records[2]?.message as { stackTrace: string[] };
      assert.equal(stackTrace[0], "TypeError: bad");
    });
  });

  describe("ES module packages from NODE_PATH", () => {
    const pkg = (name: string, from: string): Record<string, string> => ({
      [`${name}/package.json`]: JSON.stringify({ name, main: "index.js" }),
      [`${name}/index.js`]: `exports.from = ${JSON.stringify(from)};`,
    });
    const prefixed = (dir: string, files: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(files).map(([p, text]) => [`${dir}/${p}`, text]),
      );

    it("imports bare packages found only in NODE_PATH, in search order", async () => {
      const runtime = await start({
        files: {
          "index.mjs": [
            "import own from 'pkg-a';",
            "import layer from 'pkg-b';",
            "import { from as sdk } from '@fake/pkg-c';",
            "export const handler = async () => [own.from, layer.from, sdk];",
          ].join("\n"),
          ...prefixed("node_modules", pkg("pkg-a", "own")),
        },
        scratchFiles: {
          ...prefixed("layer/node_modules", {
            ...pkg("pkg-a", "layer"),
            ...pkg("pkg-b", "layer"),
          }),
          ...prefixed("sdk/node_modules", {
            ...pkg("pkg-b", "sdk"),
            ...pkg("@fake/pkg-c", "sdk"),
          }),
        },
        nodePath: ["layer/node_modules", "sdk/node_modules"],
        handler: "index.handler",
      });
      assertResponse(await runtime.invoke({}), '["own","layer","sdk"]');
    });

    it("applies the package's import condition", async () => {
      const runtime = await start({
        files: {
          "index.mjs":
            "import { kind } from 'dual';\nexport const handler = async () => kind;",
        },
        scratchFiles: {
          "sdk/node_modules/dual/package.json": JSON.stringify({
            name: "dual",
            exports: { import: "./esm.mjs", require: "./cjs.cjs" },
          }),
          "sdk/node_modules/dual/esm.mjs": "export const kind = 'esm';",
          "sdk/node_modules/dual/cjs.cjs": "exports.kind = 'cjs';",
        },
        nodePath: ["sdk/node_modules"],
        handler: "index.handler",
      });
      assertResponse(await runtime.invoke({}), '"esm"');
    });
  });
});
