import { randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Logger } from "pino";
import { ApiError, requestEntityTooLarge } from "../model/index.js";
import type { ApiResponse, Route } from "../api/index.js";
import { readBody } from "./read-body.js";
import { Router } from "./router.js";
import { errorResponse, toApiError } from "./wire-errors.js";

/**
 * The one HTTP listener: matches routes, reads bodies within each route's
 * limit, and turns every error into the AWS wire format in one place.
 */
export function createFrontDoor(routes: Route[], log: Logger): Server {
  const router = new Router(routes);
  // Limitation: requests are not authenticated; SigV4 signatures are accepted unchecked.
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    handle(router, req, res, requestId).catch((err: unknown) => {
      const fields = { reqId: requestId, method: req.method, url: req.url };
      // A caller's mistake is routine: its type and message say all there is.
      if (err instanceof ApiError && err.status < 500) {
        log.debug(
          {
            ...fields,
            errorType: err.type,
            status: err.status,
            errorMessage: err.message,
          },
          "request refused",
        );
      } else {
        log.error({ ...fields, err }, "request failed");
      }
      send(res, errorResponse(toApiError(err), requestId));
    });
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  return server;
}

async function handle(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://lambkin");
  const matched = router.match(req.method ?? "GET", url.pathname);
  if (!matched) {
    req.resume();
    throw new ApiError(
      "UnknownOperationException",
      404,
      `No Lambda operation is served at ${req.method} ${url.pathname}`,
    );
  }
  const { route, params } = matched;
  const read = await readBody(req, route.maxBodyBytes);
  if (!read.ok) throw requestEntityTooLarge(route.tooLargeMessage(read.size));
  const response = await route.handler({
    method: req.method ?? "GET",
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    body: read.body,
    requestId,
  });
  send(res, render(response, requestId));
}

function render(response: ApiResponse, requestId: string) {
  const headers: Record<string, string> = {
    "x-amzn-RequestId": requestId,
    ...response.headers,
  };
  if (response.body === undefined)
    return { status: response.status, headers, body: "" };
  if (Buffer.isBuffer(response.body)) {
    headers["Content-Type"] ??= "application/octet-stream";
    return { status: response.status, headers, body: response.body };
  }
  headers["Content-Type"] = "application/json";
  return {
    status: response.status,
    headers,
    body: JSON.stringify(response.body),
  };
}

function send(
  res: ServerResponse,
  response: {
    status: number;
    headers: Record<string, string>;
    body: string | Buffer;
  },
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(response.status, {
    ...response.headers,
    "Content-Length": String(Buffer.byteLength(response.body)),
  });
  res.end(response.body);
}
