import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { chmodSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { LIMITS } from "../model/index.js";
import type { ExtensionsApi } from "./extensions-api.js";
import type { InvocationOutcome, InvocationRequest } from "./invocation.js";

/** What a Runtime API server reports to its environment. */
export interface RuntimeApiEvents {
  /** The runtime asked for work: init is over, or the last invocation is done. */
  onNext(): void;
  /** The runtime answered the invocation it was given. */
  onOutcome(outcome: InvocationOutcome): void;
  /** The runtime could not initialize. */
  onInitError(outcome: InvocationOutcome): void;
}

interface Assigned {
  request: InvocationRequest;
  deadlineMs: number;
}

const PREFIX = "/2018-06-01/runtime";

/**
 * The Lambda Runtime API (2018-06-01) of one environment, on its own port,
 * so that a bootstrap can only see and answer its own invocations. The
 * environment's Extensions API is served on the same port, as on Lambda.
 */
// Limitation: in process-only mode any local process can connect to this
// port; network namespaces (the isolated sandbox) make it the environment's alone.
export class RuntimeApiServer {
  private readonly server: Server;
  private waitingNext?: ServerResponse;
  private queued?: Assigned;
  private current?: Assigned;

  private constructor(
    private readonly events: RuntimeApiEvents,
    private readonly extensions: ExtensionsApi,
  ) {
    this.server = createServer((req, res) => {
      try {
        this.route(req, res);
      } catch {
        // Whatever a runtime sends, the platform answers and keeps serving.
        if (!res.headersSent) {
          reply(res, 500, {
            errorMessage: "Internal Server Error",
            errorType: "InternalServerError",
          });
        }
      }
    });
    this.server.keepAliveTimeout = 0;
  }

  /**
   * Starts a server on an ephemeral port of 127.0.0.1, or on a Unix socket
   * for an environment with no network, which the sandbox forwards inside.
   */
  static async listen(
    events: RuntimeApiEvents,
    extensions: ExtensionsApi,
    socketPath?: string,
  ): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(events, extensions);
    await new Promise<void>((resolve) =>
      socketPath
        ? api.server.listen(socketPath, resolve)
        : api.server.listen(0, "127.0.0.1", resolve),
    );
    // The forwarder inside the sandbox runs as the unprivileged sandbox user.
    if (socketPath) chmodSync(socketPath, 0o666);
    return api;
  }

  /** `host:port` on 127.0.0.1, the value of AWS_LAMBDA_RUNTIME_API, or a socket path. */
  get address(): string {
    const address = this.server.address();
    if (typeof address === "string") return address;
    return `127.0.0.1:${(address as AddressInfo).port}`;
  }

  /** Hands an invocation to the runtime's pending or next `/next` call. */
  assign(request: InvocationRequest, deadlineMs: number): void {
    this.queued = { request, deadlineMs };
    this.deliver();
  }

  /** Forgets the current invocation, so that late answers to it are refused. */
  release(): void {
    this.current = undefined;
    this.queued = undefined;
  }

  close(): void {
    this.waitingNext?.destroy();
    this.extensions.close();
    this.server.closeAllConnections();
    this.server.close();
  }

  private deliver(): void {
    const res = this.waitingNext;
    const assigned = this.queued;
    if (!res || !assigned) return;
    this.waitingNext = undefined;
    this.queued = undefined;
    this.current = assigned;
    const { request, deadlineMs } = assigned;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Lambda-Runtime-Aws-Request-Id": request.requestId,
      "Lambda-Runtime-Deadline-Ms": String(deadlineMs),
      "Lambda-Runtime-Invoked-Function-Arn": request.invokedFunctionArn,
      "Lambda-Runtime-Trace-Id": request.traceId,
    };
    if (request.clientContext)
      headers["Lambda-Runtime-Client-Context"] = request.clientContext;
    res.writeHead(200, headers).end(request.payload);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "";
    if (this.extensions.handles(url)) {
      this.extensions.route(req, res);
      return;
    }
    if (req.method === "GET" && url === `${PREFIX}/invocation/next`) {
      this.waitingNext = res;
      this.current = undefined;
      this.events.onNext();
      this.deliver();
      return;
    }
    const match =
      /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(
        url,
      );
    if (req.method === "POST" && match) {
      this.answer(req, res, safeDecode(match[1]!), match[2] === "error");
      return;
    }
    if (req.method === "POST" && url === `${PREFIX}/init/error`) {
      void readBody(req, LIMITS.responsePayloadMaxBytes).then((body) => {
        reply(res, 202, { status: "OK" });
        this.events.onInitError({
          payload: body ?? Buffer.from("{}"),
          errorType: errorTypeOf(req, body),
        });
      });
      return;
    }
    reply(res, 404, { errorMessage: "Not Found", errorType: "NotFound" });
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string | undefined,
    failed: boolean,
  ) {
    const current = this.current;
    if (!current || current.request.requestId !== requestId) {
      req.resume();
      invalidRequestId(res);
      return;
    }
    void readBody(req, LIMITS.responsePayloadMaxBytes).then((body) => {
      if (this.current !== current) {
        invalidRequestId(res);
        return;
      }
      this.current = undefined;
      if (body === undefined) {
        const limit = LIMITS.responsePayloadMaxBytes;
        reply(res, 413, {
          errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).`,
          errorType: "RequestEntityTooLarge",
        });
        this.events.onOutcome({
          payload: Buffer.from(
            JSON.stringify({
              errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
              errorType: "Function.ResponseSizeTooLarge",
            }),
          ),
          errorType: "Function.ResponseSizeTooLarge",
        });
        return;
      }
      reply(res, 202, { status: "OK" });
      this.events.onOutcome(
        failed
          ? { payload: body, errorType: errorTypeOf(req, body) }
          : { payload: body },
      );
    });
  }
}

/** A decoded path segment; undefined when its percent-encoding is broken. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The answer to a response or error for an invocation this runtime does not have. */
function invalidRequestId(res: ServerResponse): void {
  reply(res, 400, {
    errorMessage: "Invalid request ID",
    errorType: "InvalidRequestID",
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  res
    .writeHead(status, { "Content-Type": "application/json" })
    .end(JSON.stringify(body));
}

/** The error type from the header, else from the body, else Runtime.Unknown. */
function errorTypeOf(req: IncomingMessage, body: Buffer | undefined): string {
  const header = req.headers["lambda-runtime-function-error-type"];
  if (typeof header === "string" && header) return header;
  try {
    const parsed = JSON.parse(body?.toString("utf8") ?? "") as {
      errorType?: unknown;
    };
    if (typeof parsed.errorType === "string") return parsed.errorType;
  } catch {
    // Not JSON: the type stays unknown.
  }
  return "Runtime.Unknown";
}

/** Reads a body up to `limit` bytes; undefined when it is larger. */
function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}
