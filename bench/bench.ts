/**
 * `npm run bench`: how fast Lambkin runs the echo example (and how fast
 * python-echo starts cold), each figure beside a baseline measured in the
 * same run on the same machine. With `--json`, the
 * last line of stdout is the same figures as one JSON object.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import {
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { createExample } from "../test/support/functions.js";
import { JsonPoster, sequentialLatencies, throughput } from "./http-load.js";
import {
  startBaselineServer,
  startLambkinServer,
  type StartedServer,
} from "./servers.js";

const ROUNDS = 5;
const COLD_SAMPLES = 6;
const WARM_UP_CALLS = 50;
const WARM_SAMPLES = 400;
const THROUGHPUT_MS = 3000;
/** Time at concurrency 16 before counting, so that Lambkin has its 16 environments. */
const CONCURRENCY_WARM_UP_MS = 1000;
const EVENT = JSON.stringify({ message: "bench" });
/**
 * One full vCPU, as Lambda gives at 1,769 MB: the figures then show
 * Lambkin's own cost rather than the CPU share of a smaller function.
 */
const ECHO_MEMORY_MB = 1769;

/** The figures of one round, or the medians of all rounds. */
interface Figures {
  coldStartMs: number;
  coldStartBaselineMs: number;
  warmP50Ms: number;
  warmP50BaselineMs: number;
  warmP99Ms: number;
  warmP99BaselineMs: number;
  throughputC1: number;
  throughputC1Baseline: number;
  throughputC16: number;
  throughputC16Baseline: number;
  /** Lambkin's own Init Duration (REPORT line) of the cold starts timed above. */
  coldStartInitDurationMs: number;
  /** The same cold start on a server whose environments are plain processes. */
  coldStartNoSandboxMs: number;
  coldStartNoSandboxInitDurationMs: number;
  /** A cold start of python-echo, beside `python3 -c pass`. */
  coldStartPythonMs: number;
  coldStartPythonBaselineMs: number;
  coldStartPythonInitDurationMs: number;
}

/** The host's Python, which python3.x functions run on. */
const HOST_PYTHON = "/usr/bin/python3";

const progress = (message: string) =>
  process.stderr.write(`bench: ${message}\n`);

/** The value below which `fraction` of the samples fall (nearest rank). */
function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? (sorted[middle - 1]! + sorted[middle]!) / 2
    : sorted[Math.floor(middle)]!;
};

/**
 * Milliseconds from spawning a program that does nothing (`node -e 0`,
 * `python3 -c pass`) to its exit: the least such a process costs. Like a
 * Lambkin environment it gets no host variables, some of which slow Node's
 * start (NODE_EXTRA_CA_CERTS makes it load a CA bundle).
 */
async function processStartMs(
  command: string,
  args: string[],
): Promise<number> {
  const start = performance.now();
  const child = spawn(command, args, {
    stdio: "ignore",
    env: { PATH: process.env.PATH },
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return performance.now() - start;
}

/**
 * Lambkin's cold starts. Each changes an environment variable, which retires
 * the function's environments, then times one Invoke end to end; the REPORT
 * line must show an Init Duration, or the sample was not cold.
 */
class ColdStarts {
  private changes = 0;

  constructor(
    private readonly client: LambdaClient,
    private readonly lambkin: JsonPoster,
    private readonly functionName = "echo",
  ) {}

  async sample(): Promise<{ elapsedMs: number; initDurationMs: number }> {
    this.changes += 1;
    await this.client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: this.functionName,
        Environment: { Variables: { BENCH_CHANGE: String(this.changes) } },
      }),
    );
    const start = performance.now();
    const { headers } = await this.lambkin.post({ "X-Amz-Log-Type": "Tail" });
    const elapsedMs = performance.now() - start;
    const tail = Buffer.from(
      String(headers["x-amz-log-result"]),
      "base64",
    ).toString("utf8");
    const init = /Init Duration: ([\d.]+) ms/.exec(tail);
    if (!init) {
      throw new Error(
        `a cold-start sample ran in a warm environment:\n${tail}`,
      );
    }
    return { elapsedMs, initDurationMs: Number(init[1]) };
  }
}

async function measureRound(
  coldStarts: ColdStarts,
  unsandboxedColdStarts: ColdStarts,
  pythonColdStarts: ColdStarts,
  lambkin: JsonPoster,
  baseline: JsonPoster,
  say: (step: string) => void,
): Promise<Figures> {
  say("cold starts");
  await coldStarts.sample(); // untimed: lets the previous round's environments end
  const cold: number[] = [];
  const inits: number[] = [];
  const processStarts: number[] = [];
  const unsandboxed: number[] = [];
  const unsandboxedInits: number[] = [];
  await unsandboxedColdStarts.sample();
  for (let i = 0; i < COLD_SAMPLES; i += 1) {
    const { elapsedMs, initDurationMs } = await coldStarts.sample();
    cold.push(elapsedMs);
    inits.push(initDurationMs);
    const plain = await unsandboxedColdStarts.sample();
    unsandboxed.push(plain.elapsedMs);
    unsandboxedInits.push(plain.initDurationMs);
    processStarts.push(await processStartMs(process.execPath, ["-e", "0"]));
  }

  say("Python cold starts");
  await pythonColdStarts.sample();
  const pythonCold: number[] = [];
  const pythonInits: number[] = [];
  const pythonStarts: number[] = [];
  for (let i = 0; i < COLD_SAMPLES; i += 1) {
    const { elapsedMs, initDurationMs } = await pythonColdStarts.sample();
    pythonCold.push(elapsedMs);
    pythonInits.push(initDurationMs);
    pythonStarts.push(await processStartMs(HOST_PYTHON, ["-c", "pass"]));
  }

  say("warm latency");
  await sequentialLatencies(lambkin, WARM_UP_CALLS);
  await sequentialLatencies(baseline, WARM_UP_CALLS);
  const warm = await sequentialLatencies(lambkin, WARM_SAMPLES);
  const warmBaseline = await sequentialLatencies(baseline, WARM_SAMPLES);

  say("throughput at concurrency 1");
  const throughputC1 = await throughput(lambkin, 1, THROUGHPUT_MS);
  const throughputC1Baseline = await throughput(baseline, 1, THROUGHPUT_MS);

  say("throughput at concurrency 16");
  await throughput(lambkin, 16, CONCURRENCY_WARM_UP_MS);
  await throughput(baseline, 16, CONCURRENCY_WARM_UP_MS);
  const throughputC16 = await throughput(lambkin, 16, THROUGHPUT_MS);
  const throughputC16Baseline = await throughput(baseline, 16, THROUGHPUT_MS);

  return {
    coldStartMs: median(cold),
    coldStartBaselineMs: median(processStarts),
    warmP50Ms: percentile(warm, 0.5),
    warmP50BaselineMs: percentile(warmBaseline, 0.5),
    warmP99Ms: percentile(warm, 0.99),
    warmP99BaselineMs: percentile(warmBaseline, 0.99),
    throughputC1,
    throughputC1Baseline,
    throughputC16,
    throughputC16Baseline,
    coldStartInitDurationMs: median(inits),
    coldStartNoSandboxMs: median(unsandboxed),
    coldStartNoSandboxInitDurationMs: median(unsandboxedInits),
    coldStartPythonMs: median(pythonCold),
    coldStartPythonBaselineMs: median(pythonStarts),
    coldStartPythonInitDurationMs: median(pythonInits),
  };
}

function mediansOf(rounds: Figures[]): Figures {
  const keys = Object.keys(rounds[0]!) as (keyof Figures)[];
  return Object.fromEntries(
    keys.map((key) => [
      key,
      round2(median(rounds.map((figures) => figures[key]))),
    ]),
  ) as unknown as Figures;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function table(figures: Figures): string {
  const rows: [string, number, number][] = [
    ["cold start (ms)", figures.coldStartMs, figures.coldStartBaselineMs],
    [
      "cold start, sandbox (ms)",
      figures.coldStartMs,
      figures.coldStartNoSandboxMs,
    ],
    [
      "cold start, python (ms)",
      figures.coldStartPythonMs,
      figures.coldStartPythonBaselineMs,
    ],
    ["warm invoke p50 (ms)", figures.warmP50Ms, figures.warmP50BaselineMs],
    ["warm invoke p99 (ms)", figures.warmP99Ms, figures.warmP99BaselineMs],
    [
      "throughput c=1 (inv/s)",
      figures.throughputC1,
      figures.throughputC1Baseline,
    ],
    [
      "throughput c=16 (inv/s)",
      figures.throughputC16,
      figures.throughputC16Baseline,
    ],
  ];
  const line = (cells: string[]) =>
    cells[0]!.padEnd(26) +
    cells
      .slice(1)
      .map((cell) => cell.padStart(12))
      .join("");
  return [
    line(["", "Lambkin", "baseline", "ratio"]),
    ...rows.map(([name, measured, base]) =>
      line([
        name,
        measured.toFixed(2),
        base.toFixed(2),
        `${(measured / base).toFixed(2)}x`,
      ]),
    ),
    "",
    `Medians of ${ROUNDS} rounds; ratio = Lambkin / baseline.`,
    `Cold starts reported an Init Duration of ${figures.coldStartInitDurationMs.toFixed(2)} ms (median),`,
    `  ${figures.coldStartNoSandboxInitDurationMs.toFixed(2)} ms without the sandbox. The "sandbox" row's`,
    "  baseline is the same cold start on a server started with --sandbox process.",
    `Cold start: UpdateFunctionConfiguration, then one Invoke of echo at ${ECHO_MEMORY_MB} MB (median of ${COLD_SAMPLES} a round);`,
    "  baseline: spawning `node -e 0` (no host variables) until it exits. The python row",
    `  does the same with python-echo (python3.12, Init Duration ${figures.coldStartPythonInitDurationMs.toFixed(2)} ms) beside \`python3 -c pass\`.`,
    `Warm p50/p99: ${WARM_SAMPLES} sequential calls a round; throughput: ${THROUGHPUT_MS / 1000} s at each`,
    "  concurrency. Baseline: a node:http server in its own process answering the same",
    "  POST; both are called by the same node:http client with a keep-alive agent.",
  ].join("\n");
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const servers: StartedServer[] = [];
  try {
    progress("starting Lambkin and the baseline server");
    const lambkinServer = await startLambkinServer();
    servers.push(lambkinServer);
    const unsandboxedServer = await startLambkinServer([
      "--sandbox",
      "process",
    ]);
    servers.push(unsandboxedServer);
    const baselineServer = await startBaselineServer();
    servers.push(baselineServer);

    const client = new LambdaClient({
      endpoint: lambkinServer.url,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      maxAttempts: 1,
    });
    await createExample(client, "echo", "echo", { MemorySize: ECHO_MEMORY_MB });
    await createExample(client, "python-echo", "python-echo", {
      Runtime: "python3.12",
      Handler: "app.handler",
      MemorySize: ECHO_MEMORY_MB,
    });
    const unsandboxedClient = new LambdaClient({
      endpoint: unsandboxedServer.url,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      maxAttempts: 1,
    });
    await createExample(unsandboxedClient, "echo", "echo", {
      MemorySize: ECHO_MEMORY_MB,
    });
    const unsandboxed = new JsonPoster(
      new URL("/2015-03-31/functions/echo/invocations", unsandboxedServer.url),
      EVENT,
    );
    const lambkin = new JsonPoster(
      new URL("/2015-03-31/functions/echo/invocations", lambkinServer.url),
      EVENT,
    );
    const baseline = new JsonPoster(new URL("/", baselineServer.url), EVENT);
    const coldStarts = new ColdStarts(client, lambkin);
    const python = new JsonPoster(
      new URL(
        "/2015-03-31/functions/python-echo/invocations",
        lambkinServer.url,
      ),
      EVENT,
    );
    const pythonColdStarts = new ColdStarts(client, python, "python-echo");
    const unsandboxedColdStarts = new ColdStarts(
      unsandboxedClient,
      unsandboxed,
    );

    const rounds: Figures[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const say = (step: string) =>
        progress(`round ${round}/${ROUNDS}: ${step}`);
      rounds.push(
        await measureRound(
          coldStarts,
          unsandboxedColdStarts,
          pythonColdStarts,
          lambkin,
          baseline,
          say,
        ),
      );
    }
    client.destroy();
    unsandboxedClient.destroy();
    unsandboxed.close();
    python.close();
    lambkin.close();
    baseline.close();

    const figures = mediansOf(rounds);
    process.stdout.write(`${table(figures)}\n`);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ...figures, rounds: ROUNDS })}\n`,
      );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

await main();
