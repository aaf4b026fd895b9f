import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import { before, describe, it } from "node:test";
import {
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  paginateListFunctions,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import {
  awsError,
  createExample,
  createFunction,
  EXAMPLES_DIR,
  ROLE,
  zipDirectory,
  zipFiles,
} from "../support/functions.js";
import { zipSync } from "fflate";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { pollUntil } from "../support/logs.js";

// Built before any server starts: compressing blocks the event loop for
// seconds, long enough for an idle keep-alive connection to be closed.
const PAST_250_MB = zipSync(
  { "zeros.bin": new Uint8Array(262_144_001) },
  { level: 9 },
);

const ECHO = zipFiles({
  "index.mjs": "export const handler = async (e) => e;",
});

async function expectError(
  action: () => Promise<unknown>,
  name: string,
  status: number,
  message: string | RegExp,
): Promise<void> {
  const err = await awsError(action);
  assert.equal(err.name, name);
  assert.equal(err.$metadata.httpStatusCode, status);
  if (typeof message === "string") assert.equal(err.message, message);
  else assert.match(err.message, message);
}

/** An AWS error as the wire carries it: status, `x-amzn-ErrorType` and message. */
interface WireError {
  status: number;
  type: string | null;
  message: string;
}

/** Sends a JSON body as-is, with member types the SDK would never send. */
async function sendJson(
  url: string,
  method: string,
  body: unknown,
): Promise<WireError> {
  const response = await fetch(url, { method, body: JSON.stringify(body) });
  const text = await response.text();
  const parsed = (text ? JSON.parse(text) : {}) as Record<string, string>;
  return {
    status: response.status,
    type: response.headers.get("x-amzn-errortype"),
    message: parsed.message ?? parsed.Message ?? "",
  };
}

describe("function operations", () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
  });

  describe("CreateFunction", () => {
    it("returns the configuration with AWS's defaults and a Pending state", async () => {
      const created = await createExample(
        lambkin.client,
        "echo",
        "create-defaults",
      );
      const zip = zipDirectory(path.join(EXAMPLES_DIR, "echo"));
      assert.equal(created.$metadata.httpStatusCode, 201);
      assert.equal(created.FunctionName, "create-defaults");
      assert.equal(
        created.FunctionArn,
        "arn:aws:lambda:us-east-1:000000000000:function:create-defaults",
      );
      assert.equal(created.MemorySize, 128);
      assert.equal(created.Timeout, 3);
      assert.deepEqual(created.EphemeralStorage, { Size: 512 });
      assert.deepEqual(created.Architectures, ["x86_64"]);
      assert.equal(created.PackageType, "Zip");
      assert.equal(created.Version, "$LATEST");
      assert.equal(created.Description, "");
      assert.equal(created.State, "Pending");
      assert.equal(created.StateReasonCode, "Creating");
      assert.equal(created.CodeSize, zip.length);
      assert.equal(
        created.CodeSha256,
        createHash("sha256").update(zip).digest("base64"),
      );
      assert.match(created.RevisionId!, /^[0-9a-f-]{36}$/);
      assert.match(
        created.LastModified!,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/,
      );
    });

    it("becomes Active so that the SDK's waiter succeeds", async () => {
      await createFunction(lambkin.client, "waits-active", ECHO);
      const waited = await waitUntilFunctionActiveV2(
        { client: lambkin.client, maxWaitTime: 20 },
        { FunctionName: "waits-active" },
      );
      assert.equal(waited.state, "SUCCESS");
      const fn = await lambkin.client.send(
        new GetFunctionConfigurationCommand({ FunctionName: "waits-active" }),
      );
      assert.equal(fn.State, "Active");
      assert.equal(fn.LastUpdateStatus, "Successful");
      assert.match(
        fn.RuntimeVersionConfig?.RuntimeVersionArn ?? "",
        /^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/,
      );
    });

    it("refuses a name that is taken", async () => {
      await createFunction(lambkin.client, "taken", ECHO);
      await expectError(
        () => createFunction(lambkin.client, "taken", ECHO),
        "ResourceConflictException",
        409,
        "Function already exist: taken",
      );
    });

    it("checks names, memory, timeout, storage, runtime, role and handler", async () => {
      const cases: [Parameters<typeof createFunction>[3], string, RegExp][] = [
        [
          { FunctionName: "bad name!" },
          "ValidationException",
          /at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
        ],
        [
          { FunctionName: "x".repeat(65) },
          "InvalidParameterValueException",
          /Member must have length less than or equal to 64/,
        ],
        [
          { MemorySize: 64 },
          "ValidationException",
          /Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/,
        ],
        [
          { MemorySize: 10241 },
          "ValidationException",
          /Value '10241' at 'memorySize'.*less than or equal to 10240/,
        ],
        [
          { Timeout: 0 },
          "ValidationException",
          /at 'timeout'.*greater than or equal to 1/,
        ],
        [
          { Timeout: 901 },
          "ValidationException",
          /at 'timeout'.*less than or equal to 900/,
        ],
        [
          { EphemeralStorage: { Size: 100 } },
          "ValidationException",
          /at 'ephemeralStorage.size'.*greater than or equal to 512/,
        ],
        [
          { Runtime: "cobol85" as never },
          "InvalidParameterValueException",
          /^Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x.*\] or be a valid ARN$/,
        ],
        [
          { Runtime: "nodejs14.x" },
          "InvalidParameterValueException",
          /^The runtime parameter of nodejs14\.x is no longer supported/,
        ],
        [
          { Role: "r1" },
          "ValidationException",
          /Value 'r1' at 'role' failed to satisfy constraint/,
        ],
        [{ Handler: "index handler" }, "ValidationException", /at 'handler'/],
        [
          { Architectures: ["x86_64", "arm64"] },
          "ValidationException",
          /Member must have length less than or equal to 1/,
        ],
      ];
      for (const [settings, name, message] of cases) {
        const err = await awsError(() =>
          createFunction(lambkin.client, "invalid", ECHO, settings),
        );
        assert.equal(err.name, name, JSON.stringify(settings));
        assert.equal(
          err.$metadata.httpStatusCode,
          400,
          JSON.stringify(settings),
        );
        assert.match(err.message, message, JSON.stringify(settings));
      }
    });

    it("checks environment variables: reserved keys and the 4 KB limit", async () => {
      await expectError(
        () =>
          createFunction(lambkin.client, "env-reserved", ECHO, {
            Environment: { Variables: { AWS_REGION: "x", FINE: "y" } },
          }),
        "InvalidParameterValueException",
        400,
        /contains reserved keys that are currently not supported for modification\. Reserved keys used in this request: AWS_REGION$/,
      );
      await expectError(
        () =>
          createFunction(lambkin.client, "env-large", ECHO, {
            Environment: { Variables: { LARGE_VAR: "x".repeat(4100) } },
          }),
        "InvalidParameterValueException",
        400,
        /exceeded the 4KB limit\. String measured: \{"LARGE_VAR":"x+"\}$/,
      );
    });

    it("refuses members of the wrong JSON type", async () => {
      const valid = {
        FunctionName: "typed",
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: Buffer.from(ECHO).toString("base64") },
      };
      const constraint = (value: string, member: string, rule: string) =>
        `1 validation error detected: Value '${value}' at '${member}' ` +
        `failed to satisfy constraint: ${rule}`;
      const envValues =
        "1 validation error detected: Value at 'environment.variables' failed to " +
        "satisfy constraint: Map value must satisfy constraint: [Member must be a string]";
      const cases: [Record<string, unknown>, string][] = [
        [
          { FunctionName: 12345 },
          constraint("12345", "functionName", "Member must be a string"),
        ],
        [
          { FunctionName: true },
          constraint("true", "functionName", "Member must be a string"),
        ],
        [
          { FunctionName: ["a"] },
          constraint("[a]", "functionName", "Member must be a string"),
        ],
        [
          { Environment: "oops" },
          constraint("oops", "environment", "Member must be an object"),
        ],
        [
          { Environment: 5 },
          constraint("5", "environment", "Member must be an object"),
        ],
        [
          { Environment: [] },
          constraint("[]", "environment", "Member must be an object"),
        ],
        [
          { Environment: { Variables: "x" } },
          constraint(
            "x",
            "environment.variables",
            "Member must be a map of string to string",
          ),
        ],
        [{ Environment: { Variables: { PORT: 8080 } } }, envValues],
        [
          { Tags: "team" },
          constraint(
            "team",
            "tags",
            "Member must be a map of string to string",
          ),
        ],
        [
          { Tags: { team: 7 } },
          "1 validation error detected: Value at 'tags' failed to satisfy " +
            "constraint: Map value must satisfy constraint: [Member must be a string]",
        ],
        [{ Layers: 5 }, constraint("5", "layers", "Member must be a list")],
        [
          { Layers: "arn:aws:lambda:us-east-1:000000000000:layer:l:1" },
          constraint(
            "arn:aws:lambda:us-east-1:000000000000:layer:l:1",
            "layers",
            "Member must be a list",
          ),
        ],
        [
          { Architectures: "x86_64" },
          constraint("x86_64", "architectures", "Member must be a list"),
        ],
        [
          { EphemeralStorage: 512 },
          constraint("512", "ephemeralStorage", "Member must be an object"),
        ],
      ];
      for (const [members, message] of cases) {
        const refused = await sendJson(
          `${lambkin.url}/2015-03-31/functions`,
          "POST",
          { ...valid, ...members },
        );
        assert.deepEqual(
          refused,
          { status: 400, type: "ValidationException", message },
          JSON.stringify(members),
        );
      }
    });

    it("refuses a zip that is not a zip, or that escapes its folder", async () => {
      await expectError(
        () =>
          createFunction(
            lambkin.client,
            "not-zip",
            Buffer.from("plain text, not a zip"),
          ),
        "InvalidParameterValueException",
        400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
      );
      await expectError(
        () =>
          createFunction(
            lambkin.client,
            "zip-slip",
            zipFiles({ "../../escaped.js": "x", "index.js": "x" }),
          ),
        "InvalidParameterValueException",
        400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
      );
    });

    it("refuses a zip that unpacks past 250 MB", async () => {
      await expectError(
        () => createFunction(lambkin.client, "zip-bomb", PAST_250_MB),
        "InvalidParameterValueException",
        400,
        "Unzipped size must be smaller than 262144000 bytes",
      );
    });
  });

  describe("GetFunction", () => {
    it("returns the configuration and a Code.Location that downloads the zip", async () => {
      await createFunction(lambkin.client, "downloadable", ECHO, {
        Tags: { team: "lamb" },
      });
      const fn = await lambkin.client.send(
        new GetFunctionCommand({ FunctionName: "downloadable" }),
      );
      assert.equal(fn.Configuration?.State, "Active");
      assert.equal(fn.Code?.RepositoryType, "S3");
      assert.deepEqual(fn.Tags, { team: "lamb" });
      const download = await fetch(fn.Code!.Location!);
      assert.equal(download.status, 200);
      assert.deepEqual(
        Buffer.from(await download.arrayBuffer()),
        Buffer.from(ECHO),
      );
    });

    it("accepts a full ARN and $LATEST, and names the missing function's ARN", async () => {
      await createFunction(lambkin.client, "by-arn", ECHO);
      const arn = "arn:aws:lambda:us-east-1:000000000000:function:by-arn";
      const byArn = await lambkin.client.send(
        new GetFunctionCommand({ FunctionName: arn }),
      );
      assert.equal(byArn.Configuration?.FunctionName, "by-arn");
      const latest = await lambkin.client.send(
        new GetFunctionConfigurationCommand({
          FunctionName: "by-arn",
          Qualifier: "$LATEST",
        }),
      );
      assert.equal(latest.FunctionArn, `${arn}:$LATEST`);
      await expectError(
        () =>
          lambkin.client.send(
            new GetFunctionCommand({ FunctionName: "nobody" }),
          ),
        "ResourceNotFoundException",
        404,
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody",
      );
      await expectError(
        () =>
          lambkin.client.send(
            new GetFunctionCommand({
              FunctionName: `${arn}:$LATEST`,
              Qualifier: "7",
            }),
          ),
        "InvalidParameterValueException",
        400,
        "The derived qualifier from the function name does not match the specified qualifier.",
      );
    });
  });

  describe("an ARN of another region or account", () => {
    /** Every operation that takes a FunctionName, called with `name`. */
    const operations = (FunctionName: string) => ({
      CreateFunction: () => createFunction(lambkin.client, FunctionName, ECHO),
      GetFunction: () =>
        lambkin.client.send(new GetFunctionCommand({ FunctionName })),
      GetFunctionConfiguration: () =>
        lambkin.client.send(
          new GetFunctionConfigurationCommand({ FunctionName }),
        ),
      UpdateFunctionConfiguration: () =>
        lambkin.client.send(
          new UpdateFunctionConfigurationCommand({ FunctionName, Timeout: 5 }),
        ),
      UpdateFunctionCode: () =>
        lambkin.client.send(
          new UpdateFunctionCodeCommand({ FunctionName, ZipFile: ECHO }),
        ),
      Invoke: () => lambkin.client.send(new InvokeCommand({ FunctionName })),
      DeleteFunction: () =>
        lambkin.client.send(new DeleteFunctionCommand({ FunctionName })),
    });

    it("is not found in this region", async () => {
      await createFunction(lambkin.client, "regional", ECHO);
      const arn = "arn:aws:lambda:eu-west-1:000000000000:function:regional";
      for (const [operation, call] of Object.entries(operations(arn))) {
        const err = await awsError(call);
        assert.equal(err.name, "ResourceNotFoundException", operation);
        assert.equal(err.$metadata.httpStatusCode, 404, operation);
        assert.equal(
          err.message,
          "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
          operation,
        );
      }
      const fn = await lambkin.client.send(
        new GetFunctionConfigurationCommand({ FunctionName: "regional" }),
      );
      assert.equal(fn.Timeout, 3);
    });

    it("is denied for another account, in a full or partial ARN", async () => {
      await createFunction(lambkin.client, "owned", ECHO);
      for (const arn of [
        "arn:aws:lambda:us-east-1:111111111111:function:owned",
        "111111111111:function:owned",
      ]) {
        for (const [operation, call] of Object.entries(operations(arn))) {
          const err = await awsError(call);
          assert.equal(err.name, "AccessDeniedException", operation);
          assert.equal(err.$metadata.httpStatusCode, 403, operation);
          assert.match(err.message, /111111111111/, operation);
        }
      }
      const denied = await fetch(
        `${lambkin.url}/2015-03-31/functions/111111111111%3Afunction%3Aowned`,
      );
      assert.equal(denied.status, 403);
      assert.deepEqual(Object.keys(await denied.json()), ["Message"]);
      const fn = await lambkin.client.send(
        new GetFunctionConfigurationCommand({ FunctionName: "owned" }),
      );
      assert.equal(fn.Timeout, 3);
    });
  });

  describe("ListFunctions", () => {
    it("pages with Marker and MaxItems and lists every function once", async () => {
      const names = Array.from({ length: 7 }, (_, i) => `listed-${i}`);
      for (const name of names)
        await createFunction(lambkin.client, name, ECHO);
      const first = await lambkin.client.send(
        new ListFunctionsCommand({ MaxItems: 3 }),
      );
      assert.equal(first.Functions?.length, 3);
      assert.ok(first.NextMarker);
      assert.equal(first.Functions?.[0]?.State, undefined);
      const seen: string[] = [];
      for await (const page of paginateListFunctions(
        { client: lambkin.client, pageSize: 2 },
        {},
      )) {
        seen.push(...(page.Functions ?? []).map((fn) => fn.FunctionName!));
      }
      for (const name of names)
        assert.equal(seen.filter((n) => n === name).length, 1);
      assert.equal(new Set(seen).size, seen.length);
    });
    it("takes MaxItems only as a decimal integer from 1 to 10000", async () => {
      const list = (maxItems: string) =>
        fetch(
          `${lambkin.url}/2015-03-31/functions?MaxItems=${encodeURIComponent(maxItems)}`,
        );
      for (const maxItems of ["1e3", "0x2", "2.0", " 2", "0", "10001"]) {
        const refused = await list(maxItems);
        assert.equal(refused.status, 400, maxItems);
        assert.equal(
          refused.headers.get("x-amzn-errortype"),
          "ValidationException",
          maxItems,
        );
      }
      assert.equal((await list("10000")).status, 200);
    });

    it("refuses a Marker it did not hand out", async () => {
      for (const Marker of ["garbage", "%%%", "YQ=="]) {
        await expectError(
          () => lambkin.client.send(new ListFunctionsCommand({ Marker })),
          "InvalidParameterValueException",
          400,
          /Marker/,
        );
      }
    });
  });

  describe("UpdateFunctionConfiguration and UpdateFunctionCode", () => {
    it("changes settings, keeps the rest and moves the RevisionId", async () => {
      const created = await createFunction(lambkin.client, "updated", ECHO, {
        Environment: { Variables: { MODE: "one" } },
        Description: "before",
      });
      const updated = await lambkin.client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: "updated",
          MemorySize: 256,
          Timeout: 10,
        }),
      );
      assert.equal(updated.LastUpdateStatus, "InProgress");
      assert.equal(updated.MemorySize, 256);
      assert.equal(updated.Timeout, 10);
      assert.equal(updated.Description, "before");
      assert.deepEqual(updated.Environment?.Variables, { MODE: "one" });
      assert.notEqual(updated.RevisionId, created.RevisionId);
      const waited = await waitUntilFunctionUpdatedV2(
        { client: lambkin.client, maxWaitTime: 20 },
        { FunctionName: "updated" },
      );
      assert.equal(waited.state, "SUCCESS");
      await expectError(
        () =>
          lambkin.client.send(
            new UpdateFunctionConfigurationCommand({
              FunctionName: "updated",
              RevisionId: created.RevisionId,
              Timeout: 5,
            }),
          ),
        "PreconditionFailedException",
        412,
        /^The Revision Id provided does not match the latest Revision Id/,
      );
    });

    it("refuses an Environment that is not an object and keeps the variables", async () => {
      await createFunction(lambkin.client, "env-kept", ECHO, {
        Environment: { Variables: { MODE: "one" } },
      });
      const url = `${lambkin.url}/2015-03-31/functions/env-kept/configuration`;
      for (const Environment of ["oops", 5, [], { Variables: "x" }]) {
        const refused = await sendJson(url, "PUT", { Environment });
        assert.equal(refused.status, 400, JSON.stringify(Environment));
        assert.equal(refused.type, "ValidationException");
      }
      const fn = await lambkin.client.send(
        new GetFunctionConfigurationCommand({ FunctionName: "env-kept" }),
      );
      assert.deepEqual(fn.Environment?.Variables, { MODE: "one" });
    });

    it("replaces the code and its digest", async () => {
      await createFunction(lambkin.client, "recoded", ECHO);
      const next = zipFiles({
        "index.mjs": "export const handler = async () => 2;",
      });
      const updated = await lambkin.client.send(
        new UpdateFunctionCodeCommand({
          FunctionName: "recoded",
          ZipFile: next,
        }),
      );
      assert.equal(
        updated.CodeSha256,
        createHash("sha256").update(next).digest("base64"),
      );
      assert.equal(updated.CodeSize, next.length);
      await expectError(
        () =>
          lambkin.client.send(
            new UpdateFunctionCodeCommand({
              FunctionName: "missing",
              ZipFile: next,
            }),
          ),
        "ResourceNotFoundException",
        404,
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing",
      );
    });
  });

  describe("DeleteFunction", () => {
    it("deletes with 204 and refuses to delete $LATEST alone", async () => {
      await createFunction(lambkin.client, "doomed", ECHO);
      await expectError(
        () =>
          lambkin.client.send(
            new DeleteFunctionCommand({
              FunctionName: "doomed",
              Qualifier: "$LATEST",
            }),
          ),
        "InvalidParameterValueException",
        400,
        "$LATEST version cannot be deleted without deleting the function.",
      );
      const deleted = await lambkin.client.send(
        new DeleteFunctionCommand({ FunctionName: "doomed" }),
      );
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await expectError(
        () =>
          lambkin.client.send(
            new GetFunctionCommand({ FunctionName: "doomed" }),
          ),
        "ResourceNotFoundException",
        404,
        /function:doomed$/,
      );
    });
  });

  describe("GetAccountSettings", () => {
    it("reports Lambda's limits and the usage of this server", async () => {
      await createFunction(lambkin.client, "counted", ECHO);
      const settings = await lambkin.client.send(
        new GetAccountSettingsCommand({}),
      );
      assert.equal(settings.AccountLimit?.CodeSizeZipped, 52428800);
      assert.equal(settings.AccountLimit?.CodeSizeUnzipped, 262144000);
      assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000);
      assert.ok((settings.AccountUsage?.FunctionCount ?? 0) >= 1);
      assert.ok((settings.AccountUsage?.TotalCodeSize ?? 0) >= ECHO.length);
    });
  });

  describe("wire format", () => {
    it("answers bad JSON and unknown paths with AWS errors, and keeps serving", async () => {
      const badJson = await fetch(`${lambkin.url}/2015-03-31/functions`, {
        method: "POST",
        body: "{not json",
      });
      assert.equal(badJson.status, 400);
      assert.equal(
        badJson.headers.get("x-amzn-errortype"),
        "InvalidRequestContentException",
      );
      const body = (await badJson.json()) as { Type: string; message: string };
      assert.equal(body.Type, "User");
      assert.match(body.message, /^Could not parse request body into json/);
      const unknown = await fetch(`${lambkin.url}/nothing/here`);
      assert.equal(unknown.status, 404);
      assert.ok(unknown.headers.get("x-amzn-requestid"));
      const list = await lambkin.client.send(new ListFunctionsCommand({}));
      assert.equal(list.$metadata.httpStatusCode, 200);
    });

    it("logs a client error at debug level, without a stack", async () => {
      const verbose = await startLambkin({ args: ["--log-level", "debug"] });
      const missing = await fetch(`${verbose.url}/2015-03-31/functions/nobody`);
      assert.equal(missing.status, 404);
      const reqId = missing.headers.get("x-amzn-requestid");
      const logged = await pollUntil(
        async () =>
          verbose
            .stderr()
            .split("\n")
            .filter((line) => line.includes(`"reqId":"${reqId}"`))
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        (lines) => lines.length > 0,
        { timeoutMs: 5000, what: `the log line of request ${reqId}` },
      );
      assert.equal(logged.length, 1);
      assert.equal(logged[0]!.level, 20);
      assert.equal(logged[0]!.errorType, "ResourceNotFoundException");
      assert.equal(logged[0]!.status, 404);
      assert.match(String(logged[0]!.errorMessage), /^Function not found: /);
      assert.equal(logged[0]!.method, "GET");
      assert.equal(logged[0]!.url, "/2015-03-31/functions/nobody");
      assert.equal(logged[0]!.err, undefined);
    });
  });
});
