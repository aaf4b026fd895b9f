import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { chmodSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { ExtensionsApi } from "./extensions-api.js";
import type { InvocationRequest } from "./invocation.js";
import { reply, type RuntimeApiRoutes } from "./runtime-api-http.js";
import { RuntimeRoutes, type RuntimeApiEvents } from "./runtime-routes.js";

/**
 * The Lambda Runtime API of one environment, on its own port, so that a
 * bootstrap can only see and answer its own invocations. Its routes come in
 * parts, each one module: the runtime's, then the Extensions API's, served
 * on the same port as on Lambda.
 */
// Limitation: in process-only mode any local process can connect to this
// port; network namespaces (the isolated sandbox) make it the environment's alone.
export class RuntimeApiServer {
  private readonly server: Server;
  private readonly runtime: RuntimeRoutes;
  private readonly routes: RuntimeApiRoutes[];

  private constructor(
    events: RuntimeApiEvents,
    private readonly extensions: ExtensionsApi,
  ) {
    this.runtime = new RuntimeRoutes(events);
    this.routes = [this.runtime, extensions];
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
    this.runtime.assign(request, deadlineMs);
  }

  /** Forgets the current invocation, so that late answers to it are refused. */
  release(): void {
    this.runtime.release();
  }

  close(): void {
    this.runtime.close();
    this.extensions.close();
    this.server.closeAllConnections();
    this.server.close();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "";
    if (this.routes.some((routes) => routes.handle(req, res, url))) return;
    req.resume();
    reply(res, 404, { errorMessage: "Not Found", errorType: "NotFound" });
  }
}
