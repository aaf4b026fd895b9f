import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { zipSync, type Zippable } from "fflate";
import {
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  type InvokeCommandOutput,
  type LambdaClient,
  type Runtime,
} from "@aws-sdk/client-lambda";
import {
  awsError,
  bystander,
  createFunction,
  invoke,
  logTailOf,
  payloadOf,
  ROLE,
  zipFiles,
} from "../support/functions.js";
import {
  startLambkin,
  type LambkinProcess,
} from "../support/lambkin-process.js";
import { publishLayer } from "../support/layers.js";

/** A layer of executable shell extensions, `{ name: body }`, in extensions/. */
function publishExtensions(
  client: LambdaClient,
  layerName: string,
  extensions: Record<string, string>,
): Promise<string> {
  const files = Object.fromEntries(
    Object.entries(extensions).map(([name, body]) => [
      `extensions/${name}`,
      `#!/bin/sh\n${body}\n`,
    ]),
  );
  return publishLayer(client, layerName, files, {
    executables: Object.keys(files),
  });
}

/** Shell that registers as `name` for INVOKE, keeping the identifier in $id. */
const register = (name: string) =>
  [
    'api="http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension"',
    "headers=$(mktemp)",
    `curl -sS -D "$headers" -o /dev/null -X POST "$api/register" -H "Lambda-Extension-Name: ${name}" \\`,
    '  -d \'{"events":["INVOKE"]}\'',
    "id=$(grep -i '^lambda-extension-identifier:' \"$headers\" | cut -d' ' -f2 | tr -d '\\r')",
  ].join("\n");

/** Shell that asks for events forever. */
const nextForever =
  'while true; do curl -sS -o /dev/null -H "Lambda-Extension-Identifier: $id" "$api/event/next"; done';

/** A Node.js function that returns the files its extensions left in /tmp. */
const readsTmp = zipFiles({
  "index.js":
    "const fs = require('fs');\n" +
    "exports.handler = async () => Object.fromEntries(fs.readdirSync('/tmp')" +
    ".filter((f) => f.startsWith('ext-')).sort()" +
    ".map((f) => [f, fs.readFileSync('/tmp/' + f, 'utf8').trim()]));",
});

/** Creates a function of `code` (by default `readsTmp`) with `layer`, and invokes it. */
async function invokeWithLayer(
  client: LambdaClient,
  name: string,
  layer: string,
  code = readsTmp,
): Promise<InvokeCommandOutput> {
  await createFunction(client, name, code, { Layers: [layer], Timeout: 30 });
  return invoke(client, name);
}

/** Checks that an invocation failed with the platform's `errorType` and reason. */
function assertPlatformError(
  output: InvokeCommandOutput,
  errorType: string,
  reason: string,
): void {
  assert.equal(output.FunctionError, "Unhandled", logTailOf(output));
  assert.deepEqual(payloadOf(output), {
    errorType,
    errorMessage: `RequestId: ${output.$metadata.requestId} Error: ${reason}`,
  });
}

describe("hostile layers and extensions", { concurrency: true }, () => {
  let lambkin: LambkinProcess;
  before(async () => {
    lambkin = await startLambkin();
    await bystander.create(lambkin.client);
  });

  describe("layer lists", () => {
    it("go on from a marker whose layer version was deleted between pages", async () => {
      const { client } = lambkin;
      for (let n = 0; n < 3; n++) {
        await publishLayer(client, "paged", { [`v${n}.txt`]: String(n) });
      }
      const first = await client.send(
        new ListLayerVersionsCommand({ LayerName: "paged", MaxItems: 1 }),
      );
      assert.deepEqual(
        first.LayerVersions?.map((v) => v.Version),
        [3],
      );
      await client.send(
        new DeleteLayerVersionCommand({
          LayerName: "paged",
          VersionNumber: 3,
        }),
      );
      const rest = await client.send(
        new ListLayerVersionsCommand({
          LayerName: "paged",
          Marker: first.NextMarker,
        }),
      );
      assert.deepEqual(
        rest.LayerVersions?.map((v) => v.Version),
        [2, 1],
      );
    });

    it("go on from a marker whose layer lost all its versions between pages", async () => {
      const { client } = lambkin;
      for (const name of ["gone-a", "gone-b", "gone-c"]) {
        await publishLayer(client, name, { "f.txt": name });
      }
      // Page one layer at a time up to gone-a, and keep the marker after it.
      let marker: string | undefined;
      for (;;) {
        const page = await client.send(
          new ListLayersCommand({ MaxItems: 1, Marker: marker }),
        );
        marker = page.NextMarker;
        assert.ok(marker, "gone-a was not listed");
        if (page.Layers?.[0]?.LayerName === "gone-a") break;
      }
      await client.send(
        new DeleteLayerVersionCommand({
          LayerName: "gone-a",
          VersionNumber: 1,
        }),
      );
      const rest = await client.send(new ListLayersCommand({ Marker: marker }));
      const after = (rest.Layers ?? []).map((layer) => layer.LayerName);
      assert.deepEqual(after.slice(0, 2), ["gone-b", "gone-c"]);
    });

    it("refuse a MaxItems below 1 and an unknown runtime as AWS's validation does", async () => {
      const { client } = lambkin;
      const zero = await awsError(() =>
        client.send(new ListLayersCommand({ MaxItems: 0 })),
      );
      assert.equal(zero.name, "ValidationException");
      assert.equal(
        zero.message,
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy " +
          "constraint: Member must have value greater than or equal to 1",
      );
      const runtime = await awsError(() =>
        client.send(
          new ListLayerVersionsCommand({
            LayerName: "paged",
            CompatibleRuntime: "cobol85" as Runtime,
          }),
        ),
      );
      assert.equal(runtime.name, "ValidationException");
      assert.match(
        runtime.message,
        new RegExp(
          "^1 validation error detected: Value 'cobol85' at 'compatibleRuntime' failed to " +
            "satisfy constraint: Member must satisfy enum value set: \\[.*nodejs20\\.x.*\\]$",
        ),
      );
    });
  });

  describe("a layer's zip", () => {
    it("naming no usable path is a bad zip, not a server error", async () => {
      const link = (target: string): Zippable[string] => [
        Buffer.from(target),
        { os: 3, attrs: (0o120777 << 16) >>> 0 },
      ];
      const zips: Record<string, Zippable> = {
        "NUL in a file name": { "a\0b.txt": Buffer.from("x") },
        "NUL in a folder name": { "a/\0/b.txt": Buffer.from("x") },
        "a link to nothing": { empty: link("") },
        "NUL in a link": { nul: link("a\0b") },
      };
      for (const [what, entries] of Object.entries(zips)) {
        const error = await awsError(() =>
          lambkin.client.send(
            new PublishLayerVersionCommand({
              LayerName: "unusable-paths",
              Content: { ZipFile: zipSync(entries) },
            }),
          ),
        );
        assert.equal(error.name, "InvalidParameterValueException", what);
        assert.equal(
          error.message,
          "Could not unzip uploaded file. Please check your file, then try to upload again.",
          what,
        );
      }
    });
  });

  describe("a function's Layers", () => {
    it("refuse an ARN over 2048 characters as invalid, not missing", async () => {
      const arn = `arn:aws:lambda:us-east-1:000000000000:layer:${"a".repeat(2048)}:1`;
      const error = await awsError(() =>
        lambkin.client.send(
          new CreateFunctionCommand({
            FunctionName: "long-layer-arn",
            Runtime: "nodejs20.x",
            Role: ROLE,
            Handler: "index.handler",
            Code: { ZipFile: zipFiles({ "index.js": "" }) },
            Layers: [arn],
          }),
        ),
      );
      assert.equal(error.name, "ValidationException");
      assert.match(error.message, /at 'layers' failed to satisfy constraint/);
    });
  });

  describe("a layer's bootstrap", () => {
    it("that is not executable fails init with Runtime.InvalidEntrypoint", async () => {
      const { client } = lambkin;
      const layer = await publishLayer(client, "flat-bootstrap", {
        bootstrap: "#!/bin/sh\necho never runs\n",
      });
      await createFunction(
        client,
        "flat-bootstrap",
        zipFiles({ "README.txt": "the runtime comes from a layer" }),
        { Runtime: "provided.al2023", Handler: "none", Layers: [layer] },
      );
      const output = await invoke(client, "flat-bootstrap");
      assertPlatformError(
        output,
        "Runtime.InvalidEntrypoint",
        "fork/exec /opt/bootstrap: permission denied",
      );
      await bystander.answers(client);
    });
  });

  describe("external extensions", () => {
    it("that exits before registering fails init with Extension.Crash", async () => {
      const { client } = lambkin;
      const layer = await publishExtensions(client, "quitter", {
        quitter: "exit 0",
      });
      const output = await invokeWithLayer(client, "with-quitter", layer);
      assertPlatformError(output, "Extension.Crash", "exit code 0");
      assert.match(
        logTailOf(output),
        /INIT_REPORT .*\tPhase: init\tStatus: error\tError Type: Extension\.Crash/,
      );
      await bystander.answers(client);
    });

    it("that dies on INVOKE ends the invocation with Extension.Crash", async () => {
      const { client } = lambkin;
      const layer = await publishExtensions(client, "dies-on-invoke", {
        "dies-on-invoke": [
          register("dies-on-invoke"),
          // Its first call for an event ends init, and returns with the INVOKE.
          'curl -sS -o /dev/null -H "Lambda-Extension-Identifier: $id" "$api/event/next"',
          "exit 3",
        ].join("\n"),
      });
      // The runtime never answers: only the extension's end can end this.
      const output = await invokeWithLayer(
        client,
        "with-dying-extension",
        layer,
        zipFiles({
          "index.mjs":
            "export const handler = () => new Promise(() => setInterval(() => {}, 1000));",
        }),
      );
      assertPlatformError(output, "Extension.Crash", "exit status 3");
      assert.match(
        logTailOf(output),
        /\tStatus: error\tError Type: Extension.Crash/,
      );
      await bystander.answers(client);
    });

    it("that registers twice is refused the second time, and init goes on", async () => {
      const { client } = lambkin;
      const layer = await publishExtensions(client, "eager", {
        eager: [
          register("eager"),
          "first=$id",
          'curl -sS -o /tmp/ext-second -X POST "$api/register" -H "Lambda-Extension-Name: eager" \\',
          '  -d \'{"events":["INVOKE"]}\'',
          "id=$first",
          nextForever,
        ].join("\n"),
      });
      const output = await invokeWithLayer(client, "with-eager", layer);
      assert.equal(output.FunctionError, undefined, logTailOf(output));
      assert.deepEqual(payloadOf(output), {
        "ext-second": JSON.stringify({
          errorMessage:
            "State transition from Registered to Registered failed for extension eager. " +
            "Error: State transition is not allowed",
          errorType: "Extension.InvalidExtensionState",
        }),
      });
    });

    it("all start, dot-files too, with nothing to read on standard input", async () => {
      const { client } = lambkin;
      const starts = (name: string) =>
        [
          // An extension that reads standard input must not take the line
          // that lets the runtime start.
          `cat > /tmp/ext-${name}`,
          `echo started >> /tmp/ext-${name}`,
          register(name),
          nextForever,
        ].join("\n");
      const layer = await publishExtensions(client, "dotted", {
        ".hidden": starts(".hidden"),
        visible: starts("visible"),
      });
      const output = await invokeWithLayer(client, "with-dotted", layer);
      assert.equal(output.FunctionError, undefined, logTailOf(output));
      assert.deepEqual(payloadOf(output), {
        "ext-.hidden": "started",
        "ext-visible": "started",
      });
    });

    it("more than 10 of them fail init with Extension.LaunchError at once", async () => {
      const { client } = lambkin;
      const extensions: Record<string, string> = {};
      for (let n = 1; n <= 11; n++) {
        extensions[`many-${n}`] = `${register(`many-${n}`)}\n${nextForever}`;
      }
      const layer = await publishExtensions(client, "crowd", extensions);
      const output = await invokeWithLayer(client, "with-crowd", layer);
      assert.equal(output.FunctionError, "Unhandled", logTailOf(output));
      const error = payloadOf(output) as { errorType: string };
      assert.equal(error.errorType, "Extension.LaunchError");
      await bystander.answers(client);
    });

    it("a file there that is not executable fails init with Extension.LaunchError", async () => {
      const { client } = lambkin;
      const layer = await publishLayer(client, "readme-extension", {
        "extensions/README": "not a program",
      });
      const output = await invokeWithLayer(
        client,
        "with-readme-extension",
        layer,
      );
      assertPlatformError(
        output,
        "Extension.LaunchError",
        "fork/exec /opt/extensions/README: permission denied",
      );
    });
  });
});
