import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  GetFunctionCommand,
  InvokeCommand,
  type CreateFunctionCommandInput,
  type InvokeCommandOutput,
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
import { pollUntil } from "../support/logs.js";
import { INVALID_REQUEST_ID, wrongTransition } from "../support/runtime-api.js";

/** Sync request and runtime response limits (spec §3, §4.2). */
const REQUEST_LIMIT = 6291456;
const RESPONSE_LIMIT = 6291556;

/**
 * The start of every custom runtime here: POSIX sh and curl, as a
 * `provided.al2023` bootstrap. Files go to a folder of its own, as /tmp is
 * shared in the process-only sandbox.
 */
const SH_PRELUDE = `#!/bin/sh
set -eu
api="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
work=$(mktemp -d)

# Waits for an event: headers to $work/headers, body to $work/event.
next() {
  curl -sS -D "$work/headers" -o "$work/event" "$api/invocation/next"
  request_id=$(grep -i '^lambda-runtime-aws-request-id:' "$work/headers" |
    cut -d' ' -f2 | tr -d '\\r')
}

# post PATH FILE [ERROR_TYPE]: posts the file's bytes, prints
# {"status":<HTTP status>,"body":<answer>}. (curl sends no header whose
# value is empty.)
post() {
  code=$(curl -sS -o "$work/answer" -w '%{http_code}' -X POST \\
    -H "Lambda-Runtime-Function-Error-Type: \${3:-}" \\
    --data-binary "@$2" "$api/$1")
  printf '{"status":%s,"body":%s}' "$code" "$(cat "$work/answer")"
}
`;

/**
 * Answers by its handler name: `echo` returns the event's bytes, `sized`
 * a JSON string of as many bytes as the event says, `headers` the headers
 * of its `/next` as a JSON object.
 */
const ECHO_RUNTIME = `${SH_PRELUDE}
headers_json() {
  tr -d '\\r' < "$work/headers" |
    sed -n 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g; s/^\\([^:]*\\): \\(.*\\)$/"\\1":"\\2"/p' |
    paste -sd, - | sed 's/^/{/; s/$/}/'
}

while next; do
  case $_HANDLER in
    echo) cp "$work/event" "$work/result" ;;
    sized)
      size=$(cat "$work/event")
      { printf '"'; head -c $((size - 2)) /dev/zero | tr '\\0' x; printf '"'; } \\
        > "$work/result" ;;
    headers) headers_json > "$work/result" ;;
  esac
  post "invocation/$request_id/response" "$work/result" > /dev/null
done
`;

/**
 * Answers an invocation, then answers it again and keeps what the Runtime
 * API said each time; the event "report" returns those records.
 */
const ANSWER_TWICE_RUNTIME = `${SH_PRELUDE}
never=00000000-0000-4000-8000-000000000000
printf '"first"' > "$work/first"
printf '"second"' > "$work/second"
printf '{"errorMessage":"first","errorType":"Function.First"}' > "$work/error1"
printf '{"errorMessage":"second","errorType":"Function.Second"}' > "$work/error2"
printf '[]' > "$work/records"

while next; do
  case $(cat "$work/event") in
    '"respond-twice"')
      unknown_before=$(post "invocation/$never/response" "$work/second")
      post "invocation/$request_id/response" "$work/first" > /dev/null
      again=$(post "invocation/$request_id/response" "$work/second")
      error=$(post "invocation/$request_id/error" "$work/error2" Function.Second)
      unknown_after=$(post "invocation/$never/response" "$work/second")
      printf '[%s,%s,%s,%s]' "$unknown_before" "$again" "$error" \\
        "$unknown_after" > "$work/records" ;;
    '"fail-then-respond"')
      post "invocation/$request_id/error" "$work/error1" Function.First > /dev/null
      response=$(post "invocation/$request_id/response" "$work/second")
      error=$(post "invocation/$request_id/error" "$work/error2" Function.Second)
      printf '[%s,%s]' "$response" "$error" > "$work/records" ;;
    *) post "invocation/$request_id/response" "$work/records" > /dev/null ;;
  esac
done
`;

/** Fails its init through /init/error with its handler name as the error type. */
const INIT_ERROR_RUNTIME = `${SH_PRELUDE}
printf '{"errorMessage":"cannot start %s","errorType":"%s"}' \\
  "$(cat /proc/sys/kernel/random/uuid)" "$_HANDLER" > "$work/error"
post init/error "$work/error" "$_HANDLER" > /dev/null
exit 1
`;

/** Posts /error in the way the event names. */
const REPORT_ERROR_RUNTIME = `${SH_PRELUDE}
printf '{"errorMessage":"it failed","errorType":"MyError"}' > "$work/json"
printf 'plain text, not JSON' > "$work/text"
: > "$work/empty"

while next; do
  error="invocation/$request_id/error"
  case $(cat "$work/event") in
    '"typed"') post "$error" "$work/json" Function.MyFailure ;;
    '"unmatched"') post "$error" "$work/json" MyError ;;
    '"lowercase"') post "$error" "$work/json" Function.oops ;;
    '"untyped"') post "$error" "$work/json" ;;
    '"text"') post "$error" "$work/text" Runtime.ExitError ;;
    '"empty"') post "$error" "$work/empty" Runtime.EmptyBody ;;
  esac > /dev/null
done
`;

const NODE_HANDLERS = `
exports.echo = async (event) => event;
exports.sized = async (size) => "x".repeat(size - 2);
exports.invocation = async (event, context) => ({
  trace: process.env._X_AMZN_TRACE_ID,
  arn: context.invokedFunctionArn,
  clientContext: context.clientContext ?? null,
  identity: typeof context.identity,
});
`;

const PYTHON_HANDLERS = `
import os

CLIENT_FIELDS = ("installation_id", "app_title", "app_version_name",
                 "app_version_code", "app_package_name")


def echo(event, context):
    return event


def sized(size, context):
    return "x" * (size - 2)


def invocation(event, context):
    client_context = context.client_context
    if client_context is not None:
        client = client_context.client
        client_context = {
            "custom": client_context.custom,
            "env": client_context.env,
            "client": {name: getattr(client, name) for name in CLIENT_FIELDS},
        }
    identity = context.identity
    return {
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "arn": context.invoked_function_arn,
        "clientContext": client_context,
        "identity": [identity.cognito_identity_id, identity.cognito_identity_pool_id],
    }
`;

/** How to deploy each runtime Lambkin has, with a handler named by `entry`. */
const RUNTIMES = {
  nodejs: {
    settings: (entry: string) => ({
      Runtime: "nodejs20.x",
      Handler: `index.${entry}`,
    }),
    zip: () => zipFiles({ "index.js": NODE_HANDLERS }),
  },
  python: {
    settings: (entry: string) => ({
      Runtime: "python3.12",
      Handler: `app.${entry}`,
    }),
    zip: () => zipFiles({ "app.py": PYTHON_HANDLERS }),
  },
  custom: {
    settings: (entry: string) => ({
      Runtime: "provided.al2023",
      Handler: entry,
    }),
    zip: () => customRuntime(ECHO_RUNTIME),
  },
} satisfies Record<
  string,
  {
    settings: (entry: string) => Partial<CreateFunctionCommandInput>;
    zip: () => Uint8Array;
  }
>;

type RuntimeName = keyof typeof RUNTIMES;
const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[];

function customRuntime(bootstrap: string): Uint8Array {
  return zipFiles({ bootstrap }, ["bootstrap"]);
}

/** The log tail line that starts with `prefix`. */
function tailLine(output: InvokeCommandOutput, prefix: string): string {
  const line = logTailOf(output)
    .split("\n")
    .find((candidate) => candidate.startsWith(prefix));
  assert.ok(line, `a ${prefix} line in:\n${logTailOf(output)}`);
  return line;
}

function payloadBytes(output: InvokeCommandOutput): Buffer {
  return Buffer.from(output.Payload ?? []);
}

describe("the Runtime API, as runtimes see it", { concurrency: true }, () => {
  let lambkin: LambkinProcess;
  let client: LambdaClient;
  before(async () => {
    lambkin = await startLambkin();
    client = lambkin.client;
  });

  /** Creates a function of `runtime` whose handler is `entry`. */
  function deploy(
    runtime: RuntimeName,
    name: string,
    entry: string,
    settings: Partial<CreateFunctionCommandInput> = {},
  ) {
    const { zip, settings: runtimeSettings } = RUNTIMES[runtime];
    return createFunction(client, name, zip(), {
      ...runtimeSettings(entry),
      ...settings,
    });
  }

  /** Creates a `provided.al2023` function whose bootstrap is `bootstrap`. */
  function deployCustom(name: string, bootstrap: string, handler = "run") {
    return createFunction(client, name, customRuntime(bootstrap), {
      Runtime: "provided.al2023",
      Handler: handler,
    });
  }

  /** The error type Lambkin accounted an invocation under, from its own log. */
  function accountedErrorType(requestId: string): Promise<string | undefined> {
    const finished = () =>
      lambkin
        .stderr()
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find(
          (record) =>
            record.msg === "invocation finished" &&
            record.requestId === requestId,
        );
    return pollUntil(
      async () => finished(),
      (record) => record !== undefined,
      { timeoutMs: 5000, what: `the log record of ${requestId}` },
    ).then((record) => record?.errorType as string | undefined);
  }

  describe("answers to an invocation that was already answered", () => {
    it("hands the caller the first answer and refuses the rest as AWS does", async () => {
      await deployCustom("answer-twice", ANSWER_TWICE_RUNTIME);
      const responded = await invoke(client, "answer-twice", "respond-twice");
      assert.equal(responded.FunctionError, undefined, logTailOf(responded));
      assert.equal(payloadOf(responded), "first");
      const afterResponse = await invoke(client, "answer-twice", "report");
      assert.deepEqual(payloadOf(afterResponse), [
        INVALID_REQUEST_ID,
        wrongTransition("RuntimeResponseSentState", "InvocationResponse"),
        wrongTransition("RuntimeResponseSentState", "InvocationErrorResponse"),
        // The state is checked first: after an answer, even an unknown id gets 403.
        wrongTransition("RuntimeResponseSentState", "InvocationResponse"),
      ]);

      const failed = await invoke(client, "answer-twice", "fail-then-respond");
      assert.equal(failed.FunctionError, "Unhandled");
      assert.deepEqual(payloadOf(failed), {
        errorMessage: "first",
        errorType: "Function.First",
      });
      const afterError = await invoke(client, "answer-twice", "report");
      assert.deepEqual(payloadOf(afterError), [
        wrongTransition("RuntimeResponseSentState", "InvocationResponse"),
        wrongTransition("RuntimeResponseSentState", "InvocationErrorResponse"),
      ]);
      // All four ran in the one environment the first one started.
      assert.ok(!logTailOf(afterError).includes("Init Duration"));
    });
  });

  describe("/init/error", () => {
    const cases = [
      {
        runtime: "custom",
        handler: "Runtime.MyInitFailure",
        accounted: "Runtime.MyInitFailure",
      },
      {
        runtime: "custom",
        handler: "MyInitFailure",
        accounted: "Runtime.Unknown",
      },
      {
        runtime: "nodejs",
        handler: "missing.handler",
        accounted: "Runtime.ImportModuleError",
      },
      {
        runtime: "python",
        handler: "missing.handler",
        accounted: "Runtime.ImportModuleError",
      },
    ] as const;
    for (const { runtime, handler, accounted } of cases) {
      it(`fails a ${runtime} init typed ${handler} as ${accounted}, then inits afresh`, async () => {
        const name = `init-error-${runtime}-${handler.replace(/\W/g, "-")}`;
        const zip =
          runtime === "custom"
            ? customRuntime(INIT_ERROR_RUNTIME)
            : RUNTIMES[runtime].zip();
        await createFunction(client, name, zip, {
          ...RUNTIMES[runtime].settings("unused"),
          Handler: handler,
        });
        const type = accounted.replace(".", "\\.");
        const messages: string[] = [];
        for (let attempt = 0; attempt < 2; attempt++) {
          const output = await invoke(client, name);
          assert.equal(output.FunctionError, "Unhandled", logTailOf(output));
          // Each invocation runs an init of its own, in a new environment.
          assert.match(
            tailLine(output, "INIT_REPORT "),
            new RegExp(
              "^INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\\tPhase: init\\t" +
                `Status: error\\tError Type: ${type}$`,
            ),
          );
          assert.match(
            tailLine(output, "REPORT "),
            new RegExp(
              `\\tMax Memory Used: \\d+ MB\\tStatus: error\\tError Type: ${type}\\t$`,
            ),
          );
          const body = payloadOf(output) as {
            errorMessage: string;
            errorType: string;
          };
          // The caller gets the runtime's own body, whatever the log says.
          assert.equal(
            body.errorType,
            runtime === "custom" ? handler : "Runtime.ImportModuleError",
          );
          messages.push(body.errorMessage);
        }
        if (runtime === "custom") {
          assert.match(messages[0]!, /^cannot start [0-9a-f-]{36}$/);
          assert.notEqual(messages[0], messages[1]);
        }
      });
    }
  });

  describe("invocation headers", () => {
    const clientContext = {
      client: {
        installation_id: "install-1",
        app_title: "Lambkin tests",
        app_version_name: "1.0",
        app_version_code: "1",
        app_package_name: "dev.lambkin.tests",
      },
      custom: { greeting: "héllo 😀", quote: 'say "hi"\\' },
      env: { platform: "Linux", locale: "en_GB" },
    };
    const TRACE_ID =
      /^Root=1-([0-9a-f]{8})-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$/;

    /** Invokes with a qualifier and a client context; returns when it ran. */
    async function invokeQualified(name: string, payload: unknown) {
      const startedMs = Date.now();
      const output = await client.send(
        new InvokeCommand({
          FunctionName: name,
          Qualifier: "$LATEST",
          ClientContext: Buffer.from(JSON.stringify(clientContext)).toString(
            "base64",
          ),
          Payload: Buffer.from(JSON.stringify(payload)),
          LogType: "Tail",
        }),
      );
      assert.equal(output.FunctionError, undefined, logTailOf(output));
      return { output, startedMs, endedMs: Date.now() };
    }

    async function functionArn(name: string): Promise<string> {
      const got = await client.send(
        new GetFunctionCommand({ FunctionName: name }),
      );
      return got.Configuration!.FunctionArn!;
    }

    it("gives a custom runtime every header AWS sets, as AWS writes them", async () => {
      await deploy("custom", "echo-headers", "headers", { Timeout: 7 });
      const arn = await functionArn("echo-headers");
      const { output, startedMs, endedMs } = await invokeQualified(
        "echo-headers",
        {},
      );
      const headers = Object.fromEntries(
        Object.entries(payloadOf(output) as Record<string, string>).map(
          ([key, value]) => [key.toLowerCase(), value],
        ),
      );
      assert.equal(
        headers["lambda-runtime-aws-request-id"],
        output.$metadata.requestId,
      );
      const deadline = Number(headers["lambda-runtime-deadline-ms"]);
      assert.ok(
        deadline >= startedMs + 7000 && deadline <= endedMs + 7000,
        `deadline ${deadline} for an invocation from ${startedMs} to ${endedMs}`,
      );
      assert.equal(
        headers["lambda-runtime-invoked-function-arn"],
        `${arn}:$LATEST`,
      );
      const trace = TRACE_ID.exec(headers["lambda-runtime-trace-id"] ?? "");
      assert.ok(trace, headers["lambda-runtime-trace-id"]);
      const traceEpoch = parseInt(trace[1]!, 16);
      assert.ok(
        traceEpoch >= Math.floor(startedMs / 1000) &&
          traceEpoch <= Math.ceil(endedMs / 1000),
        `trace epoch ${traceEpoch}`,
      );
      assert.deepEqual(
        JSON.parse(headers["lambda-runtime-client-context"] ?? ""),
        clientContext,
      );
      // Lambda sets it only for callers signed in through Amazon Cognito.
      assert.equal(headers["lambda-runtime-cognito-identity"], undefined);
      assert.equal(headers["content-type"], "application/json");

      const plain = payloadOf(await invoke(client, "echo-headers")) as Record<
        string,
        string
      >;
      const lower = Object.fromEntries(
        Object.entries(plain).map(([key, value]) => [key.toLowerCase(), value]),
      );
      assert.equal(lower["lambda-runtime-invoked-function-arn"], arn);
      assert.equal(lower["lambda-runtime-client-context"], undefined);
      assert.notEqual(
        lower["lambda-runtime-trace-id"],
        headers["lambda-runtime-trace-id"],
      );
    });

    for (const runtime of ["nodejs", "python"] as const) {
      it(`gives the ${runtime} handler the trace id, ARN and client context`, async () => {
        const name = `${runtime}-invocation`;
        await deploy(runtime, name, "invocation");
        const arn = await functionArn(name);
        const { output } = await invokeQualified(name, {});
        const seen = payloadOf(output) as {
          trace: string;
          arn: string;
          clientContext: unknown;
          identity: unknown;
        };
        assert.match(seen.trace, TRACE_ID);
        assert.equal(seen.arn, `${arn}:$LATEST`);
        assert.deepEqual(seen.clientContext, clientContext);
        assert.deepEqual(
          seen.identity,
          runtime === "nodejs" ? "undefined" : [null, null],
        );
        const plain = payloadOf(await invoke(client, name)) as typeof seen;
        assert.match(plain.trace, TRACE_ID);
        assert.notEqual(plain.trace, seen.trace);
        assert.equal(plain.arn, arn);
        assert.equal(plain.clientContext, null);
      });
    }
  });

  describe("payloads", () => {
    const VALUES: unknown[] = [
      "text",
      42,
      -1.5,
      [1, "two", null, { three: 3 }],
      null,
      true,
      false,
      "ünïcödé ✓ 😀 𝄞",
      "a\u0000b",
      { nested: { empty: {}, list: [] } },
    ];

    for (const runtime of RUNTIME_NAMES) {
      it(`passes any JSON value through a ${runtime} runtime and back`, async () => {
        const name = `${runtime}-echo`;
        await deploy(runtime, name, "echo");
        for (const value of VALUES) {
          const output = await invoke(client, name, value);
          assert.equal(output.FunctionError, undefined, logTailOf(output));
          assert.deepEqual(payloadOf(output), value);
        }
        // Lambda hands an invocation without a payload to the runtime as {}.
        const empty = await client.send(
          new InvokeCommand({ FunctionName: name }),
        );
        assert.deepEqual(payloadOf(empty), {});

        const big = Buffer.from(JSON.stringify("x".repeat(REQUEST_LIMIT - 3)));
        const echoed = await client.send(
          new InvokeCommand({ FunctionName: name, Payload: big }),
        );
        assert.equal(echoed.FunctionError, undefined);
        assert.ok(
          payloadBytes(echoed).equals(big),
          `echoed ${payloadBytes(echoed).length} of ${big.length} bytes`,
        );
      });

      it(`caps a ${runtime} response at 6 MB + 100 bytes`, async () => {
        const name = `${runtime}-sized`;
        await deploy(runtime, name, "sized");
        const atLimit = await invoke(client, name, RESPONSE_LIMIT);
        assert.equal(atLimit.FunctionError, undefined, logTailOf(atLimit));
        assert.equal(payloadBytes(atLimit).length, RESPONSE_LIMIT);
        const overLimit = await invoke(client, name, RESPONSE_LIMIT + 1);
        assert.equal(overLimit.FunctionError, "Unhandled");
        assert.deepEqual(payloadOf(overLimit), {
          errorMessage:
            "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
          errorType: "Function.ResponseSizeTooLarge",
        });
        const small = await invoke(client, name, 5);
        assert.equal(payloadOf(small), "xxx");
      });
    }
  });

  describe("/error", () => {
    it("returns the body as it came, and accounts only well-formed types", async () => {
      await deployCustom("report-error", REPORT_ERROR_RUNTIME);
      const json = '{"errorMessage":"it failed","errorType":"MyError"}';
      const cases = [
        { event: "typed", body: json, accounted: "Function.MyFailure" },
        { event: "unmatched", body: json, accounted: "Runtime.Unknown" },
        { event: "lowercase", body: json, accounted: "Function.Unknown" },
        { event: "untyped", body: json, accounted: "Runtime.Unknown" },
        // A runtime's own Runtime.ExitError is just a type: nothing exited.
        {
          event: "text",
          body: "plain text, not JSON",
          accounted: "Runtime.ExitError",
        },
        { event: "empty", body: undefined, accounted: "Runtime.EmptyBody" },
      ];
      const coldStarts: boolean[] = [];
      for (const { event, body, accounted } of cases) {
        const output = await invoke(client, "report-error", event);
        coldStarts.push(logTailOf(output).includes("Init Duration"));
        assert.equal(output.FunctionError, "Unhandled", event);
        const requestId = output.$metadata.requestId!;
        assert.deepEqual(
          payloadBytes(output).toString(),
          body ??
            JSON.stringify({
              errorMessage: `The runtime posted to /runtime/invocation/${requestId}/error without a body.`,
              errorType: accounted,
            }),
          event,
        );
        assert.equal(await accountedErrorType(requestId), accounted, event);
      }
      // One environment answered them all: a reported error does not end it.
      assert.deepEqual(coldStarts, [true, false, false, false, false, false]);
    });
  });
});
