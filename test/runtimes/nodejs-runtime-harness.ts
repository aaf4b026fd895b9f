/**
 * Test double of the host for the Node.js runtime: a fake Runtime API on
 * 127.0.0.1 port 0, a temporary code directory, and the spawned bootstrap.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The compiled bootstrap, found from this compiled file's location. */
export const BOOTSTRAP = fileURLToPath(
  new URL("../../src/runtimes/nodejs/bootstrap.js", import.meta.url),
);

/** A POST the runtime made to the fake Runtime API. */
export interface Posted {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An event body sent as is, for payloads that are not JSON. */
export class RawBody {
  constructor(readonly text: string) {}
}

/** An event queued for `/next`, with the headers to send along. */
interface QueuedEvent {
  body: string;
  headers: Record<string, string>;
}

/** Fake Runtime API: hands out queued events and records what is posted. */
export class FakeRuntimeApi {
  readonly posts: Posted[] = [];
  /** How many times the runtime has asked for `/next`. */
  nextCalls = 0;
  private readonly queue: QueuedEvent[] = [];
  private readonly parked: ServerResponse[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly server: Server = createServer((req, res) => {
    this.route(req, res);
  });

  /** Listens on 127.0.0.1 port 0; returns `host:port`. */
  async listen(): Promise<string> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Queues an event and resolves with the post that answers it. */
  async invoke(
    event: unknown,
    headers: Record<string, string> = {},
  ): Promise<Posted> {
    const requestId = headers["Lambda-Runtime-Aws-Request-Id"] ?? randomUUID();
    this.queue.push({
      body: event instanceof RawBody ? event.text : JSON.stringify(event),
      headers: {
        "Lambda-Runtime-Aws-Request-Id": requestId,
        "Lambda-Runtime-Deadline-Ms": String(Date.now() + 30_000),
        "Lambda-Runtime-Invoked-Function-Arn":
          "arn:aws:lambda:us-east-1:123456789012:function:test-fn",
        ...headers,
      },
    });
    this.deliver();
    return this.waitForPost((post) => post.path.includes(`/${requestId}/`));
  }

  /** Resolves with the first recorded post matching `match`. */
  async waitForPost(match: (post: Posted) => boolean): Promise<Posted> {
    for (;;) {
      const found = this.posts.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the runtime has asked for `/next` `count` times. */
  async waitForNext(count = 1): Promise<void> {
    while (this.nextCalls < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Closes the server and every long-poll connection. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (
        req.method === "GET" &&
        req.url === "/2018-06-01/runtime/invocation/next"
      ) {
        this.nextCalls += 1;
        this.parked.push(res);
        this.deliver();
      } else {
        this.posts.push({
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.writeHead(202, { "Content-Type": "application/json" });
        res.end('{"status":"OK"}');
      }
      this.notify();
    });
  }

  private deliver(): void {
    while (this.queue.length > 0 && this.parked.length > 0) {
      const event = this.queue.shift() as QueuedEvent;
      const res = this.parked.shift() as ServerResponse;
      res.writeHead(200, {
        "Content-Type": "application/json",
        ...event.headers,
      });
      res.end(event.body);
    }
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** What a test asks of one runtime process. */
export interface RuntimeSetup {
  /** Files of the code directory, by relative path. */
  files: Record<string, string>;
  handler: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Folders for NODE_PATH, relative to the scratch directory. */
  nodePath?: string[];
  /** Files outside the code directory, relative to the scratch directory. */
  scratchFiles?: Record<string, string>;
  /** The program to run instead of Node.js with our Node.js bootstrap. */
  program?: { command: string; args: string[] };
}

/** How long `waitForLine` waits before failing, so a broken bootstrap cannot hang a test. */
const LINE_DEADLINE_MS = 5_000;

/** A running bootstrap with its fake Runtime API. */
export interface RunningRuntime {
  api: FakeRuntimeApi;
  child: ChildProcess;
  /** Absolute code directory. */
  taskRoot: string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** Sends an event; fails if the process exits before answering. */
  invoke(event: unknown, headers?: Record<string, string>): Promise<Posted>;
  /** Waits for a post; fails if the process exits before making it. */
  waitForPost(match: (post: Posted) => boolean): Promise<Posted>;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>;
  dispose(): Promise<void>;
}

async function writeFiles(
  root: string,
  files: Record<string, string>,
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
}

/** Writes the files, starts a fake Runtime API and spawns the bootstrap. */
export async function startRuntime(
  setup: RuntimeSetup,
): Promise<RunningRuntime> {
  const scratch = await mkdtemp(join(tmpdir(), "lambkin-node-rt-"));
  const taskRoot = join(scratch, "task");
  await mkdir(taskRoot);
  await writeFiles(taskRoot, setup.files);
  await writeFiles(scratch, setup.scratchFiles ?? {});
  const api = new FakeRuntimeApi();
  const address = await api.listen();
  const program = setup.program ?? {
    command: process.execPath,
    args: [BOOTSTRAP],
  };
  const child = spawn(program.command, program.args, {
    cwd: taskRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      AWS_LAMBDA_RUNTIME_API: address,
      _HANDLER: setup.handler,
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_LAMBDA_FUNCTION_NAME: "test-fn",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/test-fn",
      AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]0123456789abcdef",
      AWS_REGION: "us-east-1",
      NODE_PATH: (setup.nodePath ?? [])
        .map((dir) => join(scratch, dir))
        .join(":"),
      ...setup.env,
    },
  });
  let out = "";
  let err = "";
  let outEnded = false;
  const outputWaiters: Array<() => void> = [];
  const wakeOutputWaiters = (): void => {
    for (const wake of outputWaiters.splice(0)) wake();
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    wakeOutputWaiters();
  });
  child.stdout?.on("end", () => {
    outEnded = true;
    wakeOutputWaiters();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const waitForLine = async (pattern: RegExp): Promise<string> => {
    const deadline = Date.now() + LINE_DEADLINE_MS;
    for (;;) {
      const line = out.split("\n").find((candidate) => pattern.test(candidate));
      if (line !== undefined) return line;
      const left = deadline - Date.now();
      if (outEnded || left <= 0) {
        throw new Error(`no stdout line matches ${pattern}:\n${out}${err}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        outputWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const beforeExit = <T>(pending: Promise<T>): Promise<T> =>
    Promise.race([
      pending,
      exited.then((code) => {
        throw new Error(`runtime exited with ${code}:\n${out}${err}`);
      }),
    ]);
  return {
    api,
    child,
    taskRoot,
    exited,
    invoke: (event, headers) => beforeExit(api.invoke(event, headers)),
    waitForPost: (match) => beforeExit(api.waitForPost(match)),
    stdout: () => out,
    stderr: () => err,
    waitForLine,
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      await api.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
