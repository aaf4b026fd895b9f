import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  InvokeCommand,
  type InvokeCommandOutput,
  type LambdaClient,
  LambdaServiceException,
} from "@aws-sdk/client-lambda";
import { zipSync, type Zippable } from "fflate";

/** The shared example functions, `../shared/examples` beside the repo. */
export const EXAMPLES_DIR = path.resolve(
  fileURLToPath(new URL("../../../", import.meta.url)),
  "../shared/examples",
);

/** A role ARN that passes Lambda's pattern. */
export const ROLE = "arn:aws:iam::000000000000:role/lambda-role";

/** Entries carry a fixed time, so that the same files always make the same zip. */
const FIXED_TIME = { mtime: new Date("2026-01-01T00:00:00Z") };

/** One file of a zip built by `zipEntries`: its content and Unix mode. */
export interface ZipEntry {
  data: string | Uint8Array;
  /** Permission bits, 0o644 when unset; 0o755 keeps a file executable. */
  mode?: number;
}

/**
 * Zips files named by their path inside the zip, keeping their Unix modes
 * so that an executable stays executable.
 */
export function zipEntries(entries: Record<string, ZipEntry>): Uint8Array {
  const files: Zippable = {};
  for (const [name, { data, mode = 0o644 }] of Object.entries(entries)) {
    const attrs = ((0o100000 | (mode & 0o777)) << 16) >>> 0;
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    files[name] = [bytes, { os: 3, attrs }];
  }
  return zipSync(files, FIXED_TIME);
}

/**
 * The files under a folder as zip entries named `prefix` + their relative
 * path, with their modes; `include` (given the relative path) can skip some.
 */
export function readTreeEntries(
  dir: string,
  prefix = "",
  include: (relative: string) => boolean = () => true,
): Record<string, ZipEntry> {
  const entries: Record<string, ZipEntry> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(dir, relative))) {
      const entry = path.join(relative, name);
      if (!include(entry)) continue;
      const stat = statSync(path.join(dir, entry));
      if (stat.isDirectory()) walk(entry);
      else {
        entries[prefix + entry] = {
          data: readFileSync(path.join(dir, entry)),
          mode: stat.mode,
        };
      }
    }
  };
  walk("");
  return entries;
}

/**
 * Zips the files of a folder (not the folder itself), as a deployment
 * package, keeping their Unix modes so that an executable stays executable.
 */
export function zipDirectory(dir: string): Uint8Array {
  return zipEntries(readTreeEntries(dir));
}

/**
 * Zips in-memory files: `{ "index.mjs": "export const handler = ..." }`.
 * The files named in `executables` are made executable, as a custom
 * runtime's `bootstrap` must be.
 */
export function zipFiles(
  files: Record<string, string>,
  executables: string[] = [],
): Uint8Array {
  return zipEntries(
    Object.fromEntries(
      Object.entries(files).map(([name, data]) => [
        name,
        { data, mode: executables.includes(name) ? 0o755 : 0o644 },
      ]),
    ),
  );
}

/** Creates a Node.js 20 function from a zip, with overridable settings. */
export function createFunction(
  client: LambdaClient,
  name: string,
  zip: Uint8Array,
  settings: Partial<CreateFunctionCommandInput> = {},
) {
  return client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zip },
      ...settings,
    }),
  );
}

/** Creates a function from one of the shared examples. */
export function createExample(
  client: LambdaClient,
  example: string,
  name = example,
  settings: Partial<CreateFunctionCommandInput> = {},
) {
  return createFunction(
    client,
    name,
    zipDirectory(path.join(EXAMPLES_DIR, example)),
    settings,
  );
}

/** Invokes synchronously with a JSON event, with the log tail. */
export function invoke(
  client: LambdaClient,
  name: string,
  event: unknown = {},
): Promise<InvokeCommandOutput> {
  return client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(event)),
      LogType: "Tail",
    }),
  );
}

/** The JSON an invocation returned. */
export function payloadOf(output: InvokeCommandOutput): unknown {
  return JSON.parse(Buffer.from(output.Payload ?? []).toString("utf8"));
}

/** The decoded `X-Amz-Log-Result` of an invocation. */
export function logTailOf(output: InvokeCommandOutput): string {
  return Buffer.from(output.LogResult ?? "", "base64").toString("utf8");
}

/** Runs `action`, which must fail with an AWS error, and returns that error. */
export async function awsError(
  action: () => Promise<unknown>,
): Promise<LambdaServiceException> {
  try {
    await action();
  } catch (err) {
    assert.ok(
      err instanceof LambdaServiceException,
      `not an AWS error: ${String(err)}`,
    );
    return err;
  }
  assert.fail("the call succeeded");
}

/**
 * A function that only answers "still here": tests of misbehaving functions
 * check with it that the rest of the platform keeps serving.
 */
export const bystander = {
  create: (client: LambdaClient) =>
    createFunction(
      client,
      "bystander",
      zipFiles({
        "index.mjs": "export const handler = async () => 'still here';",
      }),
    ),
  answers: async (client: LambdaClient) => {
    assert.equal(payloadOf(await invoke(client, "bystander")), "still here");
  },
};
