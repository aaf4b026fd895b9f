import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { before, describe, it } from "node:test";
import {
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import {
  awsError,
  createFunction,
  EXAMPLES_DIR,
  invoke,
  logTailOf,
  payloadOf,
  readTreeEntries,
  zipDirectory,
  zipEntries,
  zipFiles,
} from "../support/functions.js";
import { NODE_MODULES, packageClosure } from "../support/node-packages.js";
import { publishLayer } from "../support/layers.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";

const ACCOUNT = "000000000000";
const arnOf = (name: string, version: number | bigint) =>
  `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}:${version}`;

describe("layers", { concurrency: true }, () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
  });

  it("publishes, lists, gets and deletes layer versions", async () => {
    const { client } = lambkin;
    const zip = zipFiles({ "python/lib.py": "VALUE = 1\n" });
    const first = await client.send(
      new PublishLayerVersionCommand({
        LayerName: "api-layer",
        Description: "first",
        Content: { ZipFile: zip },
        CompatibleRuntimes: ["python3.12"],
        LicenseInfo: "MIT",
      }),
    );
    assert.equal(first.Version, 1);
    assert.equal(
      first.LayerArn,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:api-layer`,
    );
    assert.equal(first.LayerVersionArn, arnOf("api-layer", 1));
    assert.deepEqual(first.CompatibleRuntimes, ["python3.12"]);
    assert.deepEqual(first.CompatibleArchitectures, []);
    assert.equal(first.LicenseInfo, "MIT");
    assert.equal(first.Content?.CodeSize, zip.length);
    const sha = createHash("sha256").update(zip).digest("base64");
    assert.equal(first.Content?.CodeSha256, sha);
    const download = await fetch(first.Content!.Location!);
    assert.equal(
      createHash("sha256")
        .update(Buffer.from(await download.arrayBuffer()))
        .digest("base64"),
      sha,
    );

    const second = await publishLayer(client, "api-layer", { "b.txt": "2" });
    assert.equal(second, arnOf("api-layer", 2));
    const got = await client.send(
      new GetLayerVersionCommand({ LayerName: "api-layer", VersionNumber: 1 }),
    );
    assert.equal(got.Description, "first");
    const byArn = await client.send(
      new GetLayerVersionByArnCommand({ Arn: second }),
    );
    assert.equal(byArn.Version, 2);

    const versions = await client.send(
      new ListLayerVersionsCommand({ LayerName: "api-layer" }),
    );
    assert.deepEqual(
      versions.LayerVersions?.map((v) => v.Version),
      [2, 1],
    );
    const python = await client.send(
      new ListLayersCommand({ CompatibleRuntime: "python3.12" }),
    );
    const entry = python.Layers?.find((l) => l.LayerName === "api-layer");
    assert.equal(entry?.LatestMatchingVersion?.Version, 1);

    await client.send(
      new DeleteLayerVersionCommand({
        LayerName: "api-layer",
        VersionNumber: 2,
      }),
    );
    const missing = await awsError(() =>
      client.send(
        new GetLayerVersionCommand({
          LayerName: "api-layer",
          VersionNumber: 2,
        }),
      ),
    );
    assert.equal(missing.name, "ResourceNotFoundException");
    assert.equal(missing.message, "The resource you requested does not exist.");
    // Deleting again is not an error, and numbers are never reused.
    await client.send(
      new DeleteLayerVersionCommand({
        LayerName: "api-layer",
        VersionNumber: 2,
      }),
    );
    assert.equal(
      await publishLayer(client, "api-layer", { "c.txt": "3" }),
      arnOf("api-layer", 3),
    );
    const none = await client.send(
      new ListLayerVersionsCommand({ LayerName: "no-such-layer" }),
    );
    assert.deepEqual(none.LayerVersions, []);
    const zero = await awsError(() =>
      client.send(
        new GetLayerVersionCommand({
          LayerName: "api-layer",
          VersionNumber: 0,
        }),
      ),
    );
    assert.equal(zero.name, "InvalidParameterValueException");
    assert.equal(zero.message, "Layer Version Cannot be less than 1");
  });

  it("puts a Python layer's modules on sys.path", async () => {
    const { client } = lambkin;
    const layer = await publishLayer(
      client,
      "py-helpers",
      {
        "python/greeting.py": "def greet(name):\n    return 'hello ' + name\n",
        "python/lib/python3.12/site-packages/shout/__init__.py":
          "def shout(text):\n    return text.upper()\n",
      },
      { CompatibleRuntimes: ["python3.12"] },
    );
    await createFunction(
      client,
      "py-with-layer",
      zipFiles({
        "app.py":
          "from greeting import greet\nfrom shout import shout\n\n" +
          "def handler(event, context):\n    return shout(greet(event['name']))\n",
      }),
      { Runtime: "python3.12", Handler: "app.handler", Layers: [layer] },
    );
    const output = await invoke(client, "py-with-layer", { name: "layer" });
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    assert.equal(payloadOf(output), "HELLO LAYER");
    const configuration = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "py-with-layer" }),
    );
    assert.equal(configuration.Layers?.length, 1);
    assert.equal(configuration.Layers?.[0]?.Arn, layer);
    assert.ok((configuration.Layers?.[0]?.CodeSize ?? 0) > 0);
  });

  it("gives functions the provided SDK but none of Lambkin's own packages", async () => {
    const { client } = lambkin;
    await createFunction(
      client,
      "what-is-provided",
      zipFiles({
        "index.js": [
          "const found = (name) => {",
          "  try { require.resolve(name); return true; } catch { return false; }",
          "};",
          "exports.handler = async () =>",
          "  ['@aws-sdk/client-lambda', 'axios', 'pino', 'better-sqlite3'].map(found);",
        ].join("\n"),
      }),
    );
    const output = await invoke(client, "what-is-provided");
    assert.deepEqual(
      payloadOf(output),
      [true, false, false, false],
      logTailOf(output),
    );
  });

  it("runs the fetch-with-layer example, its axios coming from a layer", async () => {
    const { client } = lambkin;
    const example = path.join(EXAMPLES_DIR, "fetch-with-layer");
    // The layer as `npm install` in layer/nodejs would leave it.
    const entries = readTreeEntries(path.join(example, "layer"));
    for (const folder of packageClosure("axios")) {
      Object.assign(
        entries,
        readTreeEntries(
          path.join(NODE_MODULES, folder),
          `nodejs/node_modules/${folder}/`,
        ),
      );
    }
    const published = await client.send(
      new PublishLayerVersionCommand({
        LayerName: "axios",
        Content: { ZipFile: zipEntries(entries) },
        CompatibleRuntimes: ["nodejs20.x"],
      }),
    );
    const code = zipDirectory(example);
    await createFunction(client, "fetch-with-layer", code, {
      Layers: [published.LayerVersionArn!],
    });
    const site = createServer((_, res) => res.end("served to the function"));
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = site.address() as AddressInfo;
      const output = await invoke(client, "fetch-with-layer", {
        url: `http://127.0.0.1:${port}/`,
      });
      assert.equal(output.FunctionError, undefined, logTailOf(output));
      assert.deepEqual(payloadOf(output), {
        statusCode: 200,
        body: "served to the function",
      });
    } finally {
      site.close();
    }
  });

  it("lets Node.js require and import packages from a layer", async () => {
    const { client } = lambkin;
    const layer = await publishLayer(client, "node-helpers", {
      "nodejs/node_modules/stars/package.json":
        '{"name":"stars","main":"index.js"}',
      "nodejs/node_modules/stars/index.js":
        "module.exports = (text) => `*${text}*`;",
    });
    await createFunction(
      client,
      "node-with-layer",
      zipFiles({
        "cjs.js":
          "const stars = require('stars');\nexports.handler = async (e) => stars(e.text);",
        "esm.mjs":
          "import stars from 'stars';\nexport const handler = async (e) => stars(e.text) + '!';",
      }),
      { Handler: "cjs.handler", Layers: [layer] },
    );
    const required = await invoke(client, "node-with-layer", { text: "cjs" });
    assert.equal(payloadOf(required), "*cjs*", logTailOf(required));
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "node-with-layer",
        Handler: "esm.handler",
      }),
    );
    const imported = await invoke(client, "node-with-layer", { text: "esm" });
    assert.equal(payloadOf(imported), "*esm*!", logTailOf(imported));
  });

  it("starts a custom runtime's bootstrap from a layer, with /opt/bin on PATH", async () => {
    const { client } = lambkin;
    const bootstrap = [
      "#!/bin/sh",
      "api=http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation",
      "while true; do",
      '  headers=$(mktemp); body=$(curl -sS -D "$headers" "$api/next")',
      "  id=$(grep -i lambda-runtime-aws-request-id \"$headers\" | tr -d '\\r' | cut -d' ' -f2)",
      '  answer=$(layer-tool "$body")',
      '  curl -sS -o /dev/null -X POST "$api/$id/response" -d "$answer"',
      "done",
      "",
    ].join("\n");
    const runtimeLayer = await publishLayer(
      client,
      "sh-runtime",
      {
        bootstrap,
        "bin/layer-tool":
          '#!/bin/sh\nprintf \'{"from":"opt","event":%s}\' "$1"\n',
      },
      { executables: ["bootstrap", "bin/layer-tool"] },
    );
    await createFunction(
      client,
      "runtime-from-layer",
      zipFiles({ "README.txt": "the runtime comes from a layer" }),
      { Runtime: "provided.al2023", Handler: "none", Layers: [runtimeLayer] },
    );
    const output = await invoke(client, "runtime-from-layer", { n: 7 });
    assert.equal(output.FunctionError, undefined, logTailOf(output));
    assert.deepEqual(payloadOf(output), { from: "opt", event: { n: 7 } });
  });

  it("fails a custom runtime with no bootstrap in its code or layers as AWS does", async () => {
    const { client } = lambkin;
    await createFunction(
      client,
      "no-bootstrap",
      zipFiles({ "handler.sh": "echo never run" }),
      { Runtime: "provided.al2023", Handler: "handler.run" },
    );
    const output = await invoke(client, "no-bootstrap");
    assert.equal(output.FunctionError, "Unhandled");
    assert.deepEqual(payloadOf(output), {
      errorType: "Runtime.InvalidEntrypoint",
      errorMessage:
        `RequestId: ${output.$metadata.requestId} Error: Couldn't find valid ` +
        "bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
    });
  });

  it("lays later layers over earlier ones, in the order given", async () => {
    const { client } = lambkin;
    const first = await publishLayer(client, "order-a", {
      "nodejs/node_modules/layer-order-probe/index.js": "module.exports = 'a';",
      "nodejs/node_modules/only-a/index.js": "module.exports = 'only a';",
    });
    const second = await publishLayer(client, "order-b", {
      "nodejs/node_modules/layer-order-probe/index.js": "module.exports = 'b';",
    });
    await createFunction(
      client,
      "layer-order",
      zipFiles({
        "index.js":
          "exports.handler = async () => [require('layer-order-probe'), require('only-a')];",
      }),
      { Layers: [first, second] },
    );
    assert.deepEqual(payloadOf(await invoke(client, "layer-order")), [
      "b",
      "only a",
    ]);
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "layer-order",
        Layers: [second, first],
      }),
    );
    assert.deepEqual(payloadOf(await invoke(client, "layer-order")), [
      "a",
      "only a",
    ]);
    // An empty list removes the layers; the packages are gone from /opt.
    const removed = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "layer-order",
        Layers: [],
      }),
    );
    assert.equal(removed.Layers, undefined);
    const output = await invoke(client, "layer-order");
    assert.equal(output.FunctionError, "Unhandled");
    assert.match(
      JSON.stringify(payloadOf(output)),
      /Cannot find module 'layer-order-probe'/,
    );
  });

  it("keeps a deleted layer version working for the functions that use it", async () => {
    const { client } = lambkin;
    const layer = await publishLayer(client, "short-lived", {
      "nodejs/node_modules/kept/index.js": "module.exports = 'still there';",
    });
    await createFunction(
      client,
      "uses-deleted-layer",
      zipFiles({
        "index.js": "exports.handler = async () => require('kept');",
      }),
      { Layers: [layer] },
    );
    await client.send(
      new DeleteLayerVersionCommand({
        LayerName: "short-lived",
        VersionNumber: 1,
      }),
    );
    // A configuration change retires the warm environments: this is a cold start.
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "uses-deleted-layer",
        Description: "cold start after the layer version was deleted",
      }),
    );
    const output = await invoke(client, "uses-deleted-layer");
    assert.equal(payloadOf(output), "still there", logTailOf(output));
  });

  it("refuses layer lists AWS refuses, with AWS's messages", async () => {
    const { client } = lambkin;
    const v1 = await publishLayer(client, "twice", { "a.txt": "1" });
    const v2 = await publishLayer(client, "twice", { "a.txt": "2" });
    const code = zipFiles({ "index.js": "exports.handler = async () => 1;" });
    const cases: [string[], string, string][] = [
      [
        [v1, v2],
        "InvalidParameterValueException",
        "Two different versions of the same layer are not allowed to be referenced in the " +
          `same function. ${v1} and ${v2} are versions of the same layer.`,
      ],
      [
        [arnOf("twice", 9)],
        "InvalidParameterValueException",
        `Layer version ${arnOf("twice", 9)} does not exist.`,
      ],
      [
        ["a", "b", "c", "d", "e", "f"].map((name) => arnOf(name, 1)),
        "InvalidParameterValueException",
        "Cannot reference more than 5 layers.",
      ],
      [
        [`arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:twice:1`],
        "InvalidParameterValueException",
        "Layers are not in the same region as the function. " +
          "Layers are expected to be in region us-east-1.",
      ],
    ];
    for (const [layers, type, message] of cases) {
      const error = await awsError(() =>
        createFunction(client, "bad-layers", code, { Layers: layers }),
      );
      assert.equal(error.name, type, message);
      assert.equal(error.message, message);
    }
    const unversioned = await awsError(() =>
      createFunction(client, "bad-layers", code, {
        Layers: [`arn:aws:lambda:us-east-1:${ACCOUNT}:layer:twice`],
      }),
    );
    assert.equal(unversioned.name, "ValidationException");
    assert.match(
      unversioned.message,
      /at 'layers' failed to satisfy constraint/,
    );
  });
});
