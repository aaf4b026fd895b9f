import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const LAMBKIN_MAIN = fileURLToPath(
  new URL("../src/cli/main.js", import.meta.url),
);
const BASELINE_SERVER = fileURLToPath(
  new URL("./baseline-server.js", import.meta.url),
);
const STDERR_KEPT_BYTES = 64 * 1024;

/** A server the bench started; `stop` ends it and removes what it left behind. */
export interface StartedServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts `lambkin serve --port 0` on a fresh data dir, with any further flags. */
export async function startLambkinServer(
  flags: string[] = [],
): Promise<StartedServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "lambkin-bench-"));
  const server = await startServerProcess([
    LAMBKIN_MAIN,
    ...["serve", "--port", "0", "--data-dir", dataDir, ...flags],
  ]);
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the baseline HTTP echo server (baseline-server.ts) in its own process. */
export function startBaselineServer(): Promise<StartedServer> {
  return startServerProcess([BASELINE_SERVER]);
}

/**
 * Runs a Node.js script that prints `listening on <url>` once it is ready,
 * and resolves with that URL; `stop` ends it with SIGTERM.
 */
async function startServerProcess(args: string[]): Promise<StartedServer> {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Its log is drained so that the pipe never blocks it; the tail explains a failure.
  let stderrTail = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_KEPT_BYTES);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const listening = /listening on (http:\/\/\S+)/.exec(stdout);
      if (listening) resolve(listening[1]!);
    });
    child.once("exit", (code) =>
      reject(
        new Error(
          `${args[0]} exited with ${code} before listening:\n${stderrTail}`,
        ),
      ),
    );
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
