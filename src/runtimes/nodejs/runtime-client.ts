import { Agent, request, type IncomingHttpHeaders } from "node:http";
import type { ErrorResponse } from "./error-format.js";

const API_PREFIX = "/2018-06-01/runtime";
const ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";

/** An event handed out by `GET /runtime/invocation/next`. */
export interface NextInvocation {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Raised when the Runtime API answers `/next` with a non-200 status. */
export class RuntimeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Runtime API answered ${status}: ${body}`);
    this.name = "RuntimeApiError";
  }
}

/** HTTP client of the Lambda Runtime API (2018-06-01). */
export class RuntimeApiClient {
  private readonly host: string;
  private readonly port: number;
  // Keep-alive sockets are unref'd while idle, so they never hold the
  // process open; one socket is enough as calls never overlap.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  /** `address` is the `host:port` from AWS_LAMBDA_RUNTIME_API. */
  constructor(address: string) {
    const colon = address.lastIndexOf(":");
    this.host = address.slice(0, colon);
    this.port = Number(address.slice(colon + 1));
  }

  /** Waits, with no timeout, for the next event to handle. */
  async nextInvocation(): Promise<NextInvocation> {
    const response = await this.send("GET", "/invocation/next");
    if (response.status !== 200) {
      throw new RuntimeApiError(response.status, response.body);
    }
    return { headers: response.headers, body: response.body };
  }

  /** Posts a handler's serialized result. */
  async postInvocationResponse(requestId: string, body: string): Promise<void> {
    const path = `/invocation/${encodeURIComponent(requestId)}/response`;
    await this.send("POST", path, body, {});
  }

  /** Posts the error an invocation ended in. */
  async postInvocationError(
    requestId: string,
    error: ErrorResponse,
  ): Promise<void> {
    const path = `/invocation/${encodeURIComponent(requestId)}/error`;
    await this.postError(path, error);
  }

  /** Posts the error that stopped the function from initializing. */
  async postInitError(error: ErrorResponse): Promise<void> {
    await this.postError("/init/error", error);
  }

  private async postError(path: string, error: ErrorResponse): Promise<void> {
    await this.send("POST", path, JSON.stringify(error), {
      [ERROR_TYPE_HEADER]: error.errorType,
    });
  }

  private send(
    method: "GET" | "POST",
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.host,
          port: this.port,
          method,
          path: API_PREFIX + path,
          agent: this.agent,
          headers:
            body === undefined
              ? headers
              : {
                  "Content-Type": "application/json",
                  "Content-Length": Buffer.byteLength(body),
                  ...headers,
                },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }
}
