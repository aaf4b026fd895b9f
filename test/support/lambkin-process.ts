import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { after } from "node:test";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LambdaClient } from "@aws-sdk/client-lambda";

/** The compiled `lambkin` command. */
export const LAMBKIN_BIN = fileURLToPath(
  new URL("../../src/cli/main.js", import.meta.url),
);

/** A `lambkin serve` process started for a test, on a free port and its own data dir. */
export interface LambkinProcess {
  url: string;
  dataDir: string;
  client: LambdaClient;
  /** Everything the server wrote to stdout (its banner). */
  stdout(): string;
  /** Everything the server wrote to stderr (its structured log). */
  stderr(): string;
  /** Stops the server with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
  /** Settles with the exit code or signal once the server process has ended. */
  exited: Promise<number | string>;
}

const started: LambkinProcess[] = [];
const createdDirs: string[] = [];

// Registered on the root test: once a test file is done, every server it
// started is stopped and every data dir made for it is removed.
after(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await Promise.all(
    createdDirs.map((dir) => rm(dir, { recursive: true, force: true })),
  );
});

/**
 * Starts `lambkin serve --port 0` and waits until it prints its URL. Without
 * a `dataDir`, a fresh one is made. The server is stopped when the file's
 * tests are done, if the test did not stop it before.
 */
export async function startLambkin(
  options: { dataDir?: string; args?: string[] } = {},
): Promise<LambkinProcess> {
  let dataDir = options.dataDir;
  if (!dataDir) {
    dataDir = await mkdtemp(path.join(tmpdir(), "lambkin-test-"));
    createdDirs.push(dataDir);
  }
  const child = spawn(
    process.execPath,
    [
      LAMBKIN_BIN,
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child
    .stdout!.setEncoding("utf8")
    .on("data", (chunk: string) => (stdout += chunk));
  child
    .stderr!.setEncoding("utf8")
    .on("data", (chunk: string) => (stderr += chunk));
  const url = await readyUrl(
    child,
    () => stdout,
    () => stderr,
  );
  const client = new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "")),
  );
  const server: LambkinProcess = {
    url,
    dataDir,
    client,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      client.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
  started.push(server);
  return server;
}

function readyUrl(
  child: ChildProcess,
  stdout: () => string,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout());
      if (match) {
        child.stdout!.off("data", onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) =>
      reject(
        new Error(
          `lambkin serve exited with ${code} before it was ready:\n${stderr()}`,
        ),
      ),
    );
  });
}
