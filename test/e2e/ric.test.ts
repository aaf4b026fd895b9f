/**
 * AWS's own Node.js runtime interface client, the npm package aws-lambda-ric
 * (3.x), run as the bootstrap of a provided.al2023 function against
 * Lambkin's Runtime API; and the same handlers run by Lambkin's own Node.js
 * bootstrap (nodejs20.x), whose responses must equal the ric's.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { before, describe, it } from "node:test";
import {
  type CreateFunctionCommandInput,
  InvokeCommand,
  type InvokeCommandOutput,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import {
  createFunction,
  readTreeEntries,
  zipEntries,
} from "../support/functions.js";
import { pollFunctionLog } from "../support/logs.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

/** The installed aws-lambda-ric package (a devDependency). */
const RIC_DIR = path.dirname(
  createRequire(import.meta.url).resolve("aws-lambda-ric/package.json"),
);

const js = (...lines: string[]) => lines.join("\n") + "\n";

const ISO_TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** The function's own files; both runtimes load the same ones. */
const HANDLER_FILES: Record<string, string> = {
  "cases.mjs": js(
    "export const echo = async (event) => event;",
    "export const context = async (event, context) => ({",
    "  awsRequestId: context.awsRequestId,",
    "  functionName: context.functionName,",
    "  functionVersion: context.functionVersion,",
    "  invokedFunctionArn: context.invokedFunctionArn,",
    "  memoryLimitInMB: context.memoryLimitInMB,",
    "  logGroupName: context.logGroupName,",
    "  logStreamName: context.logStreamName,",
    "  remainingMs: context.getRemainingTimeInMillis(),",
    "  waits: context.callbackWaitsForEmptyEventLoop,",
    "  keys: Object.keys(context).sort(),",
    "  types: Object.fromEntries(",
    "    Object.keys(context).sort().map((key) => [key, typeof context[key]]),",
    "  ),",
    "  cwd: process.cwd(),",
    "  traceId: typeof process.env._X_AMZN_TRACE_ID,",
    "});",
    "export const asyncResult = async (event) => ({ via: 'async', event });",
    "export const callbackResult = (event, context, callback) => {",
    "  setTimeout(() => callback(null, { via: 'callback', event }), 5);",
    "};",
    "export const callbackWaits = (event, context, callback) => {",
    "  globalThis.late = 'no';",
    "  setTimeout(() => { globalThis.late = 'yes'; }, 50);",
    "  callback(null, { waited: () => globalThis.late });",
    "};",
    "export const noWait = (event, context, callback) => {",
    "  context.callbackWaitsForEmptyEventLoop = false;",
    "  setTimeout(() => {}, 300);",
    "  callback(null, 'did not wait');",
    "};",
    "export const callbackTwice = (event, context, callback) => {",
    "  callback(null, 'first');",
    "  callback(null, 'second');",
    "};",
    "export const succeed = (event, context) => context.succeed({ via: 'succeed' });",
    "export const done = (event, context) => context.done(null, 'via done');",
    "export const fail = (event, context) => context.fail(new Error('via fail'));",
    "export const failEmpty = (event, context) => context.fail();",
    "export const thrown = async () => { throw new TypeError('bad input'); };",
    "export const thrownSync = () => { throw new RangeError('sync failure'); };",
    "export const rejected = () => Promise.reject(new Error('rejected promise'));",
    "export const rejectedString = () => Promise.reject('plain string');",
    "export const rejectedEmpty = () => Promise.reject();",
    "export const callbackError = (event, context, callback) =>",
    "  callback(new Error('callback failure'));",
    "export const callbackString = (event, context, callback) =>",
    "  callback('callback string');",
    "export const customError = async () => {",
    "  const error = new Error('custom failure');",
    "  error.name = 'ValidationError';",
    "  error.code = 'E42';",
    "  throw error;",
    "};",
    "export const errorLike = async () => {",
    "  throw { name: 'Fake', message: 'error-like', stack: 'Fake: error-like\\n    at nowhere' };",
    "};",
    "export const plainObject = async () => { throw { reason: 'not an Error' }; };",
    "export const returnsUndefined = async () => undefined;",
    "export const returnsNothingSync = () => {};",
    "export const returnsValueSync = () => 'ignored';",
    "export const circular = async () => { const a = {}; a.self = a; return a; };",
    "export const bigint = async () => 10n;",
    "export const neverSettles = () => new Promise(() => {});",
    "export const crashInTimer = async () => {",
    "  setTimeout(() => { throw new RangeError('late failure'); }, 5);",
    "  await new Promise((resolve) => setTimeout(resolve, 1000));",
    "};",
    "export const unhandledRejection = async () => {",
    "  Promise.reject(new Error('nobody caught me'));",
    "  await new Promise((resolve) => setTimeout(resolve, 1000));",
    "};",
    "export const logs = async () => {",
    "  console.log('hello from', 'the handler', { answer: 42 });",
    "  console.info('info %d', 7);",
    "  console.warn('a warning');",
    "  console.error('an error', new Error('logged'));",
    "  console.debug('debugging');",
    "  console.log('multi\\nline');",
    "  console.log();",
    "  return 'logged';",
    "};",
    "export const consoleFatal = async () => {",
    "  console.fatal('the end');",
    "  return typeof console.fatal;",
    "};",
    "export const globals = async () => ({",
    "  awslambda: typeof globalThis.awslambda,",
    "  streamifyResponse: typeof globalThis.awslambda?.streamifyResponse,",
    "});",
    "export const sleep = async (event) => {",
    "  await new Promise((resolve) => setTimeout(resolve, event.ms));",
    "  return 'woke';",
    "};",
    "export const functionResult = async () => () => 1;",
    "export const symbolResult = async () => Symbol('s');",
    "export const callbackCircular = (event, context, callback) => {",
    "  const a = {}; a.self = a; callback(null, a);",
    "};",
    "export const notAFunction = 42;",
    "export const nested = { deeper: { handler: async () => 'nested' } };",
    "export default { fromDefault: async () => 'from the default export' };",
  ),
  "throws-at-import.mjs": js(
    "throw new Error('broken at import');",
    "export const handler = async () => 'unreachable';",
  ),
  "rejects-at-import.mjs": js(
    "await Promise.reject(new TypeError('rejected at import'));",
    "export const handler = async () => 'unreachable';",
  ),
  "unhandled-at-import.mjs": js(
    "Promise.reject(new Error('left unhandled at import'));",
    "export const handler = async () => 'unreachable';",
  ),
  "requires-missing.js": js(
    "require('no-such-package');",
    "exports.handler = async () => 'unreachable';",
  ),
  "imports-missing.mjs": js(
    "import 'no-such-package';",
    "export const handler = async () => 'unreachable';",
  ),
  "syntax-error.js": js("exports.handler = async () => {"),
  "commonjs.js": js(
    "exports.handler = (event, context, callback) => callback(null, { cjs: event });",
  ),
};

/**
 * The custom runtime's bootstrap: the ric's own command (its package.json
 * `bin`, which loads the handler relative to the working directory), run in
 * the task root with the handler string, on the host's node (under /usr,
 * which the isolated sandbox shows).
 */
const BOOTSTRAP = js(
  "#!/bin/sh",
  'cd "$LAMBDA_TASK_ROOT" || exit 1',
  `exec ${process.execPath} node_modules/aws-lambda-ric/bin/index.mjs "$_HANDLER"`,
);

/**
 * One zip serves both runtimes: a nodejs20.x function ignores `bootstrap`
 * and node_modules/aws-lambda-ric, a provided.al2023 one starts them. The
 * ric needs nothing but Node's built-ins, its own JS and its native addon
 * (dist/rapid-client.node, linked against /usr's libstdc++), so only
 * package.json, bin/ and dist/ of the package go in.
 */
function buildZip(): Uint8Array {
  const ric = readTreeEntries(
    RIC_DIR,
    "node_modules/aws-lambda-ric/",
    (relative) =>
      relative === "package.json" ||
      relative.split(path.sep)[0] === "bin" ||
      relative.split(path.sep)[0] === "dist",
  );
  return zipEntries({
    bootstrap: { data: BOOTSTRAP, mode: 0o755 },
    ...ric,
    ...Object.fromEntries(
      Object.entries(HANDLER_FILES).map(([name, data]) => [name, { data }]),
    ),
  });
}

/** Invokes with a raw payload (none when undefined), with the log tail. */
function invokeRaw(
  client: LambdaClient,
  name: string,
  payload?: string,
): Promise<InvokeCommandOutput> {
  return client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: payload === undefined ? undefined : Buffer.from(payload),
      LogType: "Tail",
    }),
  );
}

const textOf = (output: InvokeCommandOutput) =>
  Buffer.from(output.Payload ?? []).toString("utf8");
const logTailOf = (output: InvokeCommandOutput) =>
  Buffer.from(output.LogResult ?? "", "base64").toString("utf8");

const USER_FILE = new RegExp(
  String.raw`/[^\s()'"]*/(${Object.keys(HANDLER_FILES)
    .map((name) => name.replace(/[.]/g, "\\."))
    .join("|")})`,
  "g",
);

/**
 * Removes what legitimately differs between two runtimes that behave the
 * same, so that the rest can be compared exactly:
 * - the folder of the function's files, written `<task>` (both are
 *   /var/task in the isolated sandbox, but not as plain processes);
 * - stack frames of the runtime's own code: Lambkin's /var/runtime/*.js and
 *   the ric's dist/index.mjs are different code at different paths and
 *   lines, and Node's internal frames follow from that. Frames in the
 *   function's own files are kept and must match, line numbers included;
 * - the runtime's own file in a "Require stack" list (AWS lists
 *   /var/runtime/index.mjs there, the ric its dist/index.mjs);
 * - request ids, which differ per invocation.
 */
function normalizeText(text: string, requestId: string | undefined): string {
  let result = text.replace(USER_FILE, "<task>/$1");
  if (requestId) result = result.split(requestId).join("<request-id>");
  return result
    .split("\n")
    .filter((line) => !/^\s+at /.test(line) || line.includes("<task>/"))
    .map((line) =>
      /^- /.test(line) && !line.includes("<task>/") ? "- <runtime>" : line,
    )
    .join("\n");
}

function normalizePayload(
  value: unknown,
  requestId: string | undefined,
): unknown {
  if (typeof value === "string") return normalizeText(value, requestId);
  if (Array.isArray(value)) {
    return value
      .map((item) => normalizePayload(item, requestId))
      .filter((item) => item !== "");
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        normalizePayload(item, requestId),
      ]),
    );
  }
  return value;
}

/** A record of an error the runtime logged, with its JSON. */
const ERROR_RECORD =
  /^(Invoke Error|Uncaught Exception|Unhandled Promise Rejection) \t(\{.*)$/;

/**
 * The function's own log lines of an invocation (between START and END),
 * normalized like payloads: the time of each record becomes `<time>`, the
 * error JSON of an error record is normalized as a payload is, and the
 * runtime's own stack frames in a logged stack are left out.
 */
function functionLogOf(output: InvokeCommandOutput): string[] {
  const lines = logTailOf(output).split("\n");
  const start = lines.findIndex((line) => line.startsWith("START "));
  const end = lines.findIndex((line) => line.startsWith("END "));
  return normalizeLog(lines.slice(start + 1, end), output.$metadata.requestId);
}

/**
 * The records a function logged while it initialized, before its first
 * START, normalized as `functionLogOf` does. The ric's command line prints
 * one line of its own first ("Executing '<handler>' in function directory
 * ..."), which AWS's runtime does not: it is left out.
 */
async function initLogOf(url: string, functionName: string) {
  const messages = await pollFunctionLog(
    url,
    functionName,
    (lines) => {
      const start = lines.findIndex((line) => line.startsWith("START "));
      return start >= 0 && lines.slice(0, start).some((l) => /\t/.test(l));
    },
    { timeoutMs: 5_000, what: "the init records" },
  );
  const lines = messages
    .slice(
      0,
      messages.findIndex((line) => line.startsWith("START ")),
    )
    .flatMap((message) => message.split("\n"))
    .filter(
      (line) =>
        !line.startsWith("INIT_START ") && !line.startsWith("Executing '"),
    )
    .map((line) =>
      line.replace(/^(INIT_REPORT Init Duration: )[\d.]+ ms/, "$1<ms> ms"),
    );
  return normalizeLog(lines, undefined);
}

function normalizeLog(
  lines: string[],
  requestId: string | undefined,
): string[] {
  return lines.flatMap((line) => {
    if (line.startsWith("{")) {
      // A JSON record (AWS_LAMBDA_LOG_FORMAT=JSON).
      const record = JSON.parse(line) as Record<string, unknown>;
      return [
        JSON.stringify(
          normalizePayload({ ...record, timestamp: "<time>" }, requestId),
        ),
      ];
    }
    const fields = line.split("\t");
    if (!/^\d{4}-\d\d-\d\dT/.test(fields[0] ?? "")) {
      // A line of a multi-line record.
      const normalized = normalizeText(line, requestId);
      return normalized === "" && line !== "" ? [] : [normalized];
    }
    const [, id, level, ...rest] = fields;
    let message = rest.join("\t");
    const error = ERROR_RECORD.exec(message);
    message = error
      ? `${error[1]} \t${JSON.stringify(
          normalizePayload(JSON.parse(error[2]!), requestId),
        )}`
      : normalizeText(message, requestId);
    const idField = id === requestId ? "<request-id>" : id;
    return [["<time>", idField, level, message].join("\t")];
  });
}

/** What an invocation answered, normalized for comparison. */
function outcomeOf(output: InvokeCommandOutput) {
  const text = textOf(output);
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // Compared as text.
  }
  return {
    statusCode: output.StatusCode,
    functionError: output.FunctionError,
    payload: normalizePayload(payload, output.$metadata.requestId),
    log: functionLogOf(output),
  };
}

type Outcome = ReturnType<typeof outcomeOf>;

describe("aws-lambda-ric 3.x, AWS's Node.js runtime client, on Lambkin", () => {
  let lambkin: LambkinProcess;
  let client: LambdaClient;
  let zip: Uint8Array;
  before(async () => {
    lambkin = await startLambkin();
    client = lambkin.client;
    zip = buildZip();
  });

  /** Creates a provided.al2023 function whose bootstrap is the ric. */
  const createRicFunction = (
    name: string,
    handler: string,
    settings: Partial<CreateFunctionCommandInput> = {},
  ) =>
    createFunction(client, name, zip, {
      Runtime: "provided.al2023",
      Handler: handler,
      ...settings,
    });

  describe("as the bootstrap of a provided.al2023 function", () => {
    it("serves invocations with AWS's context fields", async () => {
      await createRicFunction("ric-context", "cases.context", {
        Timeout: 5,
        MemorySize: 256,
      });
      for (const invocation of ["cold", "warm"]) {
        const output = await invokeRaw(client, "ric-context", "{}");
        assert.equal(output.FunctionError, undefined, logTailOf(output));
        const context = JSON.parse(textOf(output)) as Record<string, unknown>;
        assert.equal(context.awsRequestId, output.$metadata.requestId);
        assert.equal(context.functionName, "ric-context");
        assert.equal(context.functionVersion, "$LATEST");
        assert.equal(
          context.invokedFunctionArn,
          "arn:aws:lambda:us-east-1:000000000000:function:ric-context",
        );
        assert.equal(context.memoryLimitInMB, "256");
        assert.equal(context.logGroupName, "/aws/lambda/ric-context");
        const remainingMs = Number(context.remainingMs);
        assert.ok(
          remainingMs > 4_000 && remainingMs <= 5_000,
          `${invocation}: remaining ${remainingMs} ms`,
        );
      }
    });

    it("returns async and callback handlers' results and any JSON event", async () => {
      await createRicFunction("ric-async", "cases.asyncResult");
      await createRicFunction("ric-callback", "cases.callbackResult");
      await createRicFunction("ric-commonjs", "commonjs.handler");
      await createRicFunction("ric-echo", "cases.echo");
      const event = {
        unicode: "\u00e9 \u2713 \u65e5\u672c \ud83d\udc11",
        n: [1, 2.5],
      };
      const text = JSON.stringify(event);
      assert.deepEqual(
        JSON.parse(textOf(await invokeRaw(client, "ric-async", text))),
        { via: "async", event },
      );
      assert.deepEqual(
        JSON.parse(textOf(await invokeRaw(client, "ric-callback", text))),
        { via: "callback", event },
      );
      assert.deepEqual(
        JSON.parse(textOf(await invokeRaw(client, "ric-commonjs", text))),
        { cjs: event },
      );
      const large = JSON.stringify({ data: "x".repeat(1024 * 1024) });
      for (const payload of ['"text"', "42", "[1,null]", "null", text, large]) {
        const output = await invokeRaw(client, "ric-echo", payload);
        assert.equal(output.FunctionError, undefined, logTailOf(output));
        assert.equal(textOf(output), payload);
      }
    });

    it("returns a thrown error as Unhandled with its type, message and trace", async () => {
      await createRicFunction("ric-thrown", "cases.thrown");
      const output = await invokeRaw(client, "ric-thrown", "{}");
      assert.equal(output.StatusCode, 200);
      assert.equal(output.FunctionError, "Unhandled");
      const error = JSON.parse(textOf(output)) as Record<string, unknown>;
      assert.equal(error.errorType, "TypeError");
      assert.equal(error.errorMessage, "bad input");
      const trace = error.trace as string[];
      assert.equal(trace[0], "TypeError: bad input");
      assert.match(
        trace[1]!,
        /^ {4}at Runtime\.thrown \[as handler\] \(.*\/cases\.mjs:\d+:\d+\)$/,
      );
      assert.match(
        logTailOf(output),
        /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input"/,
      );
      // The ric keeps serving after a function error.
      await createRicFunction("ric-thrown-then-echo", "cases.echo");
      assert.equal(
        textOf(await invokeRaw(client, "ric-thrown-then-echo", '"again"')),
        '"again"',
      );
    });

    it("is stopped as Sandbox.Timedout after the function's timeout", async () => {
      await createRicFunction("ric-timeout", "cases.sleep", { Timeout: 1 });
      const started = Date.now();
      const output = await invokeRaw(client, "ric-timeout", '{"ms":5000}');
      const waitedMs = Date.now() - started;
      assert.equal(output.FunctionError, "Unhandled");
      assert.deepEqual(JSON.parse(textOf(output)), {
        errorType: "Sandbox.Timedout",
        errorMessage: `RequestId: ${output.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
      });
      assert.ok(waitedMs >= 1_000 && waitedMs < 3_000, `waited ${waitedMs} ms`);
      // A fresh environment serves the next invocation.
      const next = await invokeRaw(client, "ric-timeout", '{"ms":10}');
      assert.equal(next.FunctionError, undefined, logTailOf(next));
      assert.equal(textOf(next), '"woke"');
    });

    for (const { handler, errorType, errorMessage } of [
      {
        handler: "throws-at-import.handler",
        errorType: "Error",
        errorMessage: "broken at import",
      },
      {
        handler: "cases.missing",
        errorType: "Runtime.HandlerNotFound",
        errorMessage: "cases.missing is undefined or not exported",
      },
    ]) {
      it(`reports an init error (${handler}) and logs it`, async () => {
        const name = `ric-init-${handler.replace(/\W/g, "-")}`;
        await createRicFunction(name, handler);
        for (let attempt = 0; attempt < 2; attempt++) {
          const output = await invokeRaw(client, name, "{}");
          assert.equal(output.FunctionError, "Unhandled");
          const error = JSON.parse(textOf(output)) as Record<string, unknown>;
          assert.equal(error.errorType, errorType);
          assert.equal(error.errorMessage, errorMessage);
          assert.ok(Array.isArray(error.trace));
          // The log shows the type as AWS accounts it: a plain "Error" is
          // Runtime.Unknown there.
          const accounted = /^(Runtime|Function)\.[A-Z][a-zA-Z]+$/.test(
            errorType,
          )
            ? errorType
            : "Runtime.Unknown";
          assert.match(
            logTailOf(output),
            new RegExp(`\\tError Type: ${accounted.replace(".", "\\.")}\\t`),
          );
        }
        await pollFunctionLog(
          lambkin.url,
          name,
          (lines) =>
            lines.some((line) =>
              line.includes(
                `\tERROR\tUncaught Exception \t{"errorType":"${errorType}"`,
              ),
            ),
          { timeoutMs: 5_000, what: "the ric's Uncaught Exception record" },
        );
      });
    }

    it("logs START, END and REPORT around the ric's console output", async () => {
      await createRicFunction("ric-logs", "cases.logs");
      const output = await invokeRaw(client, "ric-logs", "{}");
      assert.equal(textOf(output), '"logged"');
      const requestId = output.$metadata.requestId!;
      const lines = logTailOf(output).split("\n");
      const index = (pattern: RegExp) => {
        const found = lines.findIndex((line) => pattern.test(line));
        assert.ok(found >= 0, `${pattern} in:\n${lines.join("\n")}`);
        return found;
      };
      const start = index(
        new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST$`),
      );
      const hello = index(
        new RegExp(
          `^${ISO_TIME}\\t${requestId}\\tINFO\\thello from the handler \\{ answer: 42 \\}$`,
        ),
      );
      const warning = index(
        new RegExp(`^${ISO_TIME}\\t${requestId}\\tWARN\\ta warning$`),
      );
      const end = index(new RegExp(`^END RequestId: ${requestId}$`));
      const report = index(
        new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `),
      );
      assert.ok(
        start < hello && hello < warning && warning < end && end < report,
      );
    });
  });

  describe("conformance: Lambkin's nodejs20.x bootstrap answers as the ric does", () => {
    interface Case {
      title: string;
      handler: string;
      /** Raw payloads to invoke with, in order; `undefined` sends none. */
      payloads?: Array<string | undefined>;
      settings?: Partial<CreateFunctionCommandInput>;
      /** Blanks out what depends on the function (its name, say). */
      normalize?: (outcome: Outcome, functionName: string) => Outcome;
      /**
       * A known, deliberate difference: `check` asserts what each side
       * does (so a change on either side is noticed), `why` explains it.
       */
      known?: { why: string; check: (ours: Outcome, ric: Outcome) => void };
      /** Also compares what the function logged while it initialized. */
      initLog?: boolean;
    }
    const cases: Case[] = [
      {
        title: "non-object and unicode payloads",
        handler: "cases.echo",
        payloads: [
          '"text"',
          "42",
          "3.5",
          "-0",
          "true",
          "false",
          "null",
          '[1,"two",null,{"three":3}]',
          '"unicode: \u00e9\u00e8 \u2713 \u65e5\u672c\u8a9e \ud83d\udc11"',
          '"escapes: \\u0000 \\u007f \\ud800 \\n\\t"',
          '""',
          "{}",
          '{"nested":{"deep":[{"a":1}]}}',
          undefined,
        ],
      },
      {
        title: "context fields",
        handler: "cases.context",
        normalize: (outcome, functionName) => {
          const payload = outcome.payload as Record<string, unknown>;
          const remainingMs = Number(payload.remainingMs);
          const blanked = JSON.stringify({
            ...payload,
            logStreamName: "<stream>",
            remainingMs: remainingMs > 2_000 && remainingMs <= 3_000,
          })
            .split(functionName)
            .join("<function>");
          return { ...outcome, payload: JSON.parse(blanked) as unknown };
        },
      },
      { title: "async result", handler: "cases.asyncResult" },
      { title: "callback result", handler: "cases.callbackResult" },
      {
        title: "callback waits for the event loop",
        handler: "cases.callbackWaits",
      },
      {
        title: "callbackWaitsForEmptyEventLoop = false",
        handler: "cases.noWait",
      },
      { title: "callback called twice", handler: "cases.callbackTwice" },
      { title: "context.succeed", handler: "cases.succeed" },
      { title: "context.done", handler: "cases.done" },
      { title: "context.fail(error)", handler: "cases.fail" },
      { title: "context.fail()", handler: "cases.failEmpty" },
      { title: "thrown Error", handler: "cases.thrown" },
      { title: "synchronously thrown Error", handler: "cases.thrownSync" },
      { title: "rejected promise", handler: "cases.rejected" },
      {
        title: "promise rejected with a string",
        handler: "cases.rejectedString",
      },
      {
        title: "promise rejected with nothing",
        handler: "cases.rejectedEmpty",
      },
      { title: "callback error", handler: "cases.callbackError" },
      {
        title: "callback with a string error",
        handler: "cases.callbackString",
      },
      {
        title: "error with its own name and fields",
        handler: "cases.customError",
      },
      { title: "error-like object", handler: "cases.errorLike" },
      { title: "plain object thrown", handler: "cases.plainObject" },
      { title: "returned undefined", handler: "cases.returnsUndefined" },
      {
        title: "sync handler returning nothing",
        handler: "cases.returnsNothingSync",
      },
      {
        title: "sync handler returning a value",
        handler: "cases.returnsValueSync",
      },
      { title: "circular result", handler: "cases.circular" },
      { title: "BigInt result", handler: "cases.bigint" },
      { title: "function result", handler: "cases.functionResult" },
      { title: "symbol result", handler: "cases.symbolResult" },
      {
        title: "circular result through the callback",
        handler: "cases.callbackCircular",
        known: {
          why:
            "the ric stringifies a callback's result in a setImmediate, so the error " +
            "escapes as an Uncaught Exception and the ric exits (status 129); Lambkin " +
            "logs it as an Invoke Error and keeps the environment. The response is the same.",
          check: (ours, ric) => {
            assert.deepEqual({ ...ours, log: [] }, { ...ric, log: [] });
            assert.match(ours.log.join("\n"), /\tInvoke Error \t/);
            assert.match(ric.log.join("\n"), /\tUncaught Exception \t/);
          },
        },
      },
      {
        title: "never-settling promise",
        handler: "cases.neverSettles",
        known: {
          why:
            "AWS's managed Node.js runtimes report an invocation whose promise never " +
            "settles as Runtime.NodeJsExit; the published ric 3.x answers null",
          check: (ours, ric) => {
            assert.equal(ours.functionError, "Unhandled");
            assert.equal(
              (ours.payload as { errorType?: unknown }).errorType,
              "Runtime.NodeJsExit",
            );
            assert.equal(ric.functionError, undefined);
            assert.equal(ric.payload, null);
          },
        },
      },
      { title: "uncaught exception in a timer", handler: "cases.crashInTimer" },
      { title: "unhandled rejection", handler: "cases.unhandledRejection" },
      { title: "console output", handler: "cases.logs" },
      {
        title: "console output as JSON",
        handler: "cases.logs",
        settings: {
          Environment: { Variables: { AWS_LAMBDA_LOG_FORMAT: "JSON" } },
        },
        normalize: (outcome) => {
          assert.ok(
            outcome.log.length > 0 &&
              outcome.log.every((line) => line.startsWith("{")),
            outcome.log.join("\n"),
          );
          return outcome;
        },
      },
      {
        title: "error with its own name, logged as JSON",
        handler: "cases.customError",
        settings: {
          Environment: { Variables: { AWS_LAMBDA_LOG_FORMAT: "JSON" } },
        },
      },
      {
        title: "unhandled rejection, logged as JSON",
        handler: "cases.unhandledRejection",
        settings: {
          Environment: { Variables: { AWS_LAMBDA_LOG_FORMAT: "JSON" } },
        },
      },
      {
        title: "handler not found, logged as JSON",
        handler: "cases.missing",
        settings: {
          Environment: { Variables: { AWS_LAMBDA_LOG_FORMAT: "JSON" } },
        },
        initLog: true,
      },
      { title: "console.fatal", handler: "cases.consoleFatal" },
      {
        title: "the awslambda global",
        handler: "cases.globals",
        known: {
          why:
            "Lambkin does not implement response streaming, so its runtime does not " +
            "define awslambda.streamifyResponse (a streaming handler fails at import)",
          check: (ours, ric) => {
            assert.deepEqual(ours.payload, {
              awslambda: "undefined",
              streamifyResponse: "undefined",
            });
            assert.deepEqual(ric.payload, {
              awslambda: "object",
              streamifyResponse: "function",
            });
          },
        },
      },
      { title: "nested handler path", handler: "cases.nested.deeper.handler" },
      {
        title: "handler only on the default export",
        handler: "cases.fromDefault",
      },
      { title: "CommonJS callback handler", handler: "commonjs.handler" },
      { title: "handler not found", handler: "cases.missing", initLog: true },
      { title: "export that is not a function", handler: "cases.notAFunction" },
      {
        title: "module file missing",
        handler: "nothing-here.handler",
        initLog: true,
      },
      { title: "handler without a dot", handler: "cases" },
      { title: "handler with ..", handler: "../cases.echo" },
      {
        title: "error thrown at import",
        handler: "throws-at-import.handler",
        initLog: true,
      },
      {
        title: "rejection awaited at import",
        handler: "rejects-at-import.handler",
        initLog: true,
      },
      {
        title: "rejection left unhandled at import",
        handler: "unhandled-at-import.handler",
        known: {
          why:
            "the ric races its /init/error POST against its native client's /next; " +
            "when /next wins, the handler runs, or (once its late /init/error is " +
            "refused with 403, as AWS refuses it) the ric exits mid-invocation. " +
            "Lambkin's runtime reports the init error every time, as the ric does " +
            "when its POST wins",
          check: (ours, ric) => {
            assert.equal(ours.functionError, "Unhandled");
            assert.equal(
              (ours.payload as { errorType?: unknown }).errorType,
              "Runtime.UnhandledPromiseRejection",
            );
            const ricType = (ric.payload as { errorType?: unknown } | null)
              ?.errorType;
            if (ric.functionError === undefined) {
              assert.equal(ric.payload, "unreachable");
            } else if (ricType === "Runtime.ExitError") {
              assert.match(
                (ric.payload as { errorMessage: string }).errorMessage,
                /Runtime exited with error: exit status 128$/,
              );
            } else {
              assert.deepEqual(ours, ric);
            }
          },
        },
      },
      {
        title: "require of a missing package",
        handler: "requires-missing.handler",
        initLog: true,
      },
      {
        title: "import of a missing package",
        handler: "imports-missing.handler",
        initLog: true,
      },
      { title: "syntax error", handler: "syntax-error.handler", initLog: true },
      {
        title: "timeout",
        handler: "cases.sleep",
        payloads: ['{"ms":3000}'],
        settings: { Timeout: 1 },
      },
    ];
    cases.forEach((testCase, index) => {
      const {
        title,
        handler,
        payloads = ['{"key":"value"}'],
        settings,
      } = testCase;
      it(title, async () => {
        const ours = `ours-${index}`;
        const theirs = `ric-${index}`;
        await createFunction(client, ours, zip, {
          Handler: handler,
          ...settings,
        });
        await createRicFunction(theirs, handler, settings);
        const normalize = (output: InvokeCommandOutput, name: string) =>
          testCase.normalize?.(outcomeOf(output), name) ?? outcomeOf(output);
        for (const payload of payloads) {
          const [oursOutput, ricOutput] = await Promise.all([
            invokeRaw(client, ours, payload),
            invokeRaw(client, theirs, payload),
          ]);
          const oursOutcome = normalize(oursOutput, ours);
          const ricOutcome = normalize(ricOutput, theirs);
          if (testCase.initLog) {
            const [oursInit, ricInit] = await Promise.all([
              initLogOf(lambkin.url, ours),
              initLogOf(lambkin.url, theirs),
            ]);
            assert.deepEqual(oursInit, ricInit, "the init records differ");
          }
          if (testCase.known) {
            testCase.known.check(oursOutcome, ricOutcome);
          } else {
            assert.deepEqual(
              oursOutcome,
              ricOutcome,
              `payload ${payload}: Lambkin's nodejs20.x (actual) differs from the ric (expected)`,
            );
          }
        }
      });
    });
  });
});
