import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  startRuntime,
  type Posted,
  type RunningRuntime,
} from "./nodejs-runtime-harness.js";

const BOOTSTRAP = fileURLToPath(
  new URL("../../../src/runtimes/python/bootstrap.py", import.meta.url),
);
const PYTHON = "/usr/bin/python3";
const TIMESTAMP = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
const INIT_ERROR_PATH = "/2018-06-01/runtime/init/error";
const ERROR_TYPE_HEADER = "lambda-runtime-function-error-type";
const ARN = "arn:aws:lambda:us-east-1:123456789012:function:test-fn";

const running: RunningRuntime[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.dispose()));
});

/** Joins lines of handler source. */
const py = (...lines: string[]): string => lines.join("\n") + "\n";

/** Writes the code directory, starts a fake Runtime API and the Python bootstrap. */
async function start(
  files: Record<string, string>,
  handler: string,
  env: Record<string, string> = {},
): Promise<RunningRuntime> {
  const runtime = await startRuntime({
    files,
    handler,
    env: { PYTHONDONTWRITEBYTECODE: "1", ...env },
    program: { command: PYTHON, args: [BOOTSTRAP] },
  });
  running.push(runtime);
  return runtime;
}

function assertResponse(posted: Posted, body: string): void {
  assert.match(
    posted.path,
    /^\/2018-06-01\/runtime\/invocation\/[^/]+\/response$/,
  );
  assert.equal(posted.body, body);
}

/** Starts a runtime whose init must fail; returns the init error body. */
async function expectInitError(
  files: Record<string, string>,
  handler: string,
  errorType: string,
): Promise<{ body: Record<string, unknown>; runtime: RunningRuntime }> {
  const runtime = await start(files, handler);
  const posted = await runtime.api.waitForPost(
    (p) => p.path === INIT_ERROR_PATH,
  );
  assert.equal(posted.headers[ERROR_TYPE_HEADER], errorType);
  const body = JSON.parse(posted.body) as Record<string, unknown>;
  assert.equal(body.errorType, errorType);
  assert.equal(body.requestId, "");
  assert.notEqual(await runtime.exited, 0);
  assert.equal(runtime.api.nextCalls, 0);
  return { body, runtime };
}

describe("Python runtime bootstrap", { timeout: 60_000 }, () => {
  describe("responses", () => {
    const cases: Array<{ title: string; code: string; body: string }> = [
      {
        title: "posts a dict result as JSON",
        code: "def handler(event, context):\n    return {'got': event}\n",
        body: '{"got": {"hello": "world"}}',
      },
      {
        title: "posts a str result as a JSON string",
        code: "def handler(event, context):\n    return 'hi'\n",
        body: '"hi"',
      },
      {
        title: "posts a list result",
        code: "def handler(event, context):\n    return [1, 'two', None]\n",
        body: '[1, "two", null]',
      },
      {
        title: "posts null for a handler returning None",
        code: "def handler(event, context):\n    pass\n",
        body: "null",
      },
    ];
    for (const { title, code, body } of cases) {
      it(title, async () => {
        const runtime = await start({ "app.py": code }, "app.handler");
        assertResponse(await runtime.invoke({ hello: "world" }), body);
      });
    }

    it("passes any JSON value as the event", async () => {
      const runtime = await start(
        { "app.py": "def handler(event, context):\n    return [event]\n" },
        "app.handler",
      );
      assertResponse(await runtime.invoke(7), "[7]");
    });

    it("reports an unserializable result as Runtime.MarshalError", async () => {
      const runtime = await start(
        { "app.py": "def handler(event, context):\n    return {1, 2}\n" },
        "app.handler",
      );
      const posted = await runtime.invoke({});
      assert.match(posted.path, /\/error$/);
      assert.equal(posted.headers[ERROR_TYPE_HEADER], "Runtime.MarshalError");
      const body = JSON.parse(posted.body) as Record<string, unknown>;
      assert.match(
        String(body.errorMessage),
        /^Unable to marshal response: Object of type set is not JSON serializable/,
      );
    });
  });

  describe("context", () => {
    it("exposes the invocation's fields and remaining time", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "import os",
            "def handler(event, context):",
            "    return {",
            "        'function_name': context.function_name,",
            "        'function_version': context.function_version,",
            "        'invoked_function_arn': context.invoked_function_arn,",
            "        'memory_limit_in_mb': context.memory_limit_in_mb,",
            "        'aws_request_id': context.aws_request_id,",
            "        'log_group_name': context.log_group_name,",
            "        'log_stream_name': context.log_stream_name,",
            "        'identity_id': context.identity.cognito_identity_id,",
            "        'pool_id': context.identity.cognito_identity_pool_id,",
            "        'custom': context.client_context.custom,",
            "        'app_title': context.client_context.client.app_title,",
            "        'remaining': context.get_remaining_time_in_millis(),",
            "        'trace': os.environ.get('_X_AMZN_TRACE_ID'),",
            "    }",
          ),
        },
        "app.handler",
      );
      const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
      const posted = await runtime.invoke(
        {},
        {
          "Lambda-Runtime-Aws-Request-Id": "req-ctx-1",
          "Lambda-Runtime-Deadline-Ms": String(Date.now() + 5_000),
          "Lambda-Runtime-Trace-Id": trace,
          "Lambda-Runtime-Cognito-Identity":
            '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
          "Lambda-Runtime-Client-Context":
            '{"custom":{"k":"v"},"client":{"app_title":"demo"},"env":{}}',
        },
      );
      assertResponse(posted, posted.body);
      const got = JSON.parse(posted.body) as Record<string, unknown>;
      const remaining = got.remaining as number;
      delete got.remaining;
      assert.deepEqual(got, {
        function_name: "test-fn",
        function_version: "$LATEST",
        invoked_function_arn: ARN,
        memory_limit_in_mb: "256",
        aws_request_id: "req-ctx-1",
        log_group_name: "/aws/lambda/test-fn",
        log_stream_name: "2026/01/01/[$LATEST]0123456789abcdef",
        identity_id: "id-1",
        pool_id: "pool-1",
        custom: { k: "v" },
        app_title: "demo",
        trace,
      });
      assert.ok(remaining > 3_000 && remaining <= 5_000, `${remaining}`);
    });

    it("gives no client context when the caller sent none", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "def handler(event, context):",
            "    return [context.client_context is None,",
            "            context.identity.cognito_identity_id]",
          ),
        },
        "app.handler",
      );
      assertResponse(await runtime.invoke({}), "[true, null]");
    });
  });

  describe("handler errors", () => {
    it("posts the exception with its type, message and user stack", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "def fail(message):",
            "    raise ValueError(message)",
            "def handler(event, context):",
            "    fail('Handler fails')",
          ),
        },
        "app.handler",
      );
      const posted = await runtime.invoke(
        {},
        { "Lambda-Runtime-Aws-Request-Id": "req-err-1" },
      );
      assert.equal(
        posted.path,
        "/2018-06-01/runtime/invocation/req-err-1/error",
      );
      assert.equal(posted.headers[ERROR_TYPE_HEADER], "ValueError");
      const file = join(runtime.taskRoot, "app.py");
      assert.deepEqual(JSON.parse(posted.body), {
        errorMessage: "Handler fails",
        errorType: "ValueError",
        requestId: "req-err-1",
        stackTrace: [
          `  File "${file}", line 4, in handler\n    fail('Handler fails')\n`,
          `  File "${file}", line 2, in fail\n    raise ValueError(message)\n`,
        ],
      });
    });

    it("logs the error as one record with its traceback", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "def handler(event, context):",
            "    raise Exception('boom')",
          ),
        },
        "app.handler",
      );
      await runtime.invoke({});
      const line = await runtime.waitForLine(/^\[ERROR\] Exception: boom/);
      const file = join(runtime.taskRoot, "app.py");
      assert.equal(
        line,
        `[ERROR] Exception: boom\rTraceback (most recent call last):\r` +
          `  File "${file}", line 2, in handler\r    raise Exception('boom')`,
      );
    });

    it("keeps serving after an error", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "def handler(event, context):",
            "    if event.get('fail'):",
            "        raise KeyError('x')",
            "    return 'ok'",
          ),
        },
        "app.handler",
      );
      assert.match((await runtime.invoke({ fail: true })).path, /\/error$/);
      assertResponse(await runtime.invoke({}), '"ok"');
    });
  });

  describe("init failures", () => {
    it("reports a missing module as Runtime.ImportModuleError", async () => {
      const { body, runtime } = await expectInitError(
        {},
        "missing.handler",
        "Runtime.ImportModuleError",
      );
      assert.equal(
        body.errorMessage,
        "Unable to import module 'missing': No module named 'missing'",
      );
      assert.deepEqual(body.stackTrace, []);
      assert.match(
        runtime.stdout(),
        /^\[ERROR\] Runtime\.ImportModuleError: Unable to import module 'missing': No module named 'missing'\rTraceback \(most recent call last\):\n/m,
      );
    });

    it("reports a syntax error as Runtime.UserCodeSyntaxError", async () => {
      const { body } = await expectInitError(
        { "app.py": "def handler(event, context)\n    return 1\n" },
        "app.handler",
        "Runtime.UserCodeSyntaxError",
      );
      assert.match(
        String(body.errorMessage),
        /^Syntax error in module 'app': .*\(app\.py, line 1\)$/,
      );
    });

    it("reports a missing function as Runtime.HandlerNotFound", async () => {
      const { body } = await expectInitError(
        { "app.py": "def other(event, context):\n    return 1\n" },
        "app.handler",
        "Runtime.HandlerNotFound",
      );
      assert.equal(
        body.errorMessage,
        "Handler 'handler' missing on module 'app'",
      );
    });

    it("reports a handler without a dot as Runtime.MalformedHandlerName", async () => {
      const { body } = await expectInitError(
        { "app.py": "" },
        "app",
        "Runtime.MalformedHandlerName",
      );
      assert.equal(
        body.errorMessage,
        "Bad handler 'app': not enough values to unpack (expected 2, got 1)",
      );
    });

    it("reports an exception raised at import under its own type", async () => {
      const { body } = await expectInitError(
        { "app.py": "raise RuntimeError('no config')\n" },
        "app.handler",
        "RuntimeError",
      );
      assert.equal(body.errorMessage, "no config");
    });
  });

  describe("loading", () => {
    it("runs global code once across two invocations", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "print('init ran')",
            "count = 0",
            "def handler(event, context):",
            "    global count",
            "    count += 1",
            "    return count",
          ),
        },
        "app.handler",
      );
      assertResponse(await runtime.invoke({}), "1");
      assertResponse(await runtime.invoke({}), "2");
      assert.equal(runtime.stdout().split("init ran").length - 1, 1);
    });

    it("loads a handler from a nested package path", async () => {
      const runtime = await start(
        {
          "pkg/__init__.py": "",
          "pkg/sub/__init__.py": "",
          "pkg/sub/mod.py": py(
            "from . import helper",
            "def fn(event, context):",
            "    return helper.NAME",
          ),
          "pkg/sub/helper.py": "NAME = __name__\n",
        },
        "pkg/sub/mod.fn",
      );
      assertResponse(await runtime.invoke({}), '"pkg.sub.helper"');
    });

    it("puts the task root first on sys.path", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "import os, sys",
            "def handler(event, context):",
            "    return sys.path[0] == os.environ['LAMBDA_TASK_ROOT']",
          ),
        },
        "app.handler",
      );
      assertResponse(await runtime.invoke({}), "true");
    });
  });

  describe("logging", () => {
    it("writes logging records as tab-separated lines with the request id", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "import logging",
            "logger = logging.getLogger('app')",
            "logger.setLevel(logging.INFO)",
            "def handler(event, context):",
            "    logger.info('first\\nsecond')",
            "    logger.debug('hidden at INFO')",
            "    logging.info('hidden: the root logger stays at WARNING')",
            "    logging.warning('root warning')",
            "    return None",
          ),
        },
        "app.handler",
      );
      await runtime.invoke({}, { "Lambda-Runtime-Aws-Request-Id": "req-log" });
      const line = await runtime.waitForLine(/^\[INFO\]/);
      assert.match(
        line,
        new RegExp(
          String.raw`^\[INFO\]\t${TIMESTAMP}\treq-log\tfirst\rsecond$`,
        ),
      );
      await runtime.waitForLine(/^\[WARNING\].*\troot warning$/);
      assert.doesNotMatch(runtime.stdout(), /hidden/);
    });

    it("honours AWS_LAMBDA_LOG_LEVEL", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "import logging",
            "def handler(event, context):",
            "    logging.debug('now visible')",
          ),
        },
        "app.handler",
        { AWS_LAMBDA_LOG_LEVEL: "DEBUG" },
      );
      await runtime.invoke({});
      await runtime.waitForLine(/^\[DEBUG\]\t.*\tnow visible$/);
    });

    it("passes print output through untouched and unbuffered", async () => {
      const runtime = await start(
        {
          "app.py": py(
            "import time",
            "def handler(event, context):",
            "    print('plain\\ttext')",
            "    time.sleep(30)",
          ),
        },
        "app.handler",
      );
      void runtime.api.invoke({});
      // Seen while the handler still sleeps: nothing waits for a flush.
      assert.equal(await runtime.waitForLine(/plain/), "plain\ttext");
    });
  });
});
