import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LIMITS } from "../model/index.js";
import type { InvocationOutcome } from "./invocation.js";
import { readBody, reply, type RuntimeApiRoutes } from "./runtime-api-http.js";

/** The events an extension can subscribe to. */
export type ExtensionEventType = "INVOKE" | "SHUTDOWN";

/** Why an environment shuts down, as the SHUTDOWN event says it. */
export type ShutdownReason = "spindown" | "timeout" | "failure";

/** What the Extensions API reports to its environment. */
export interface ExtensionsApiEvents {
  /** An extension registered; `count` have so far. */
  onRegistered(count: number): void;
  /** An extension could not initialize. */
  onInitError(outcome: InvocationOutcome): void;
}

/** The function an extension learns of when it registers. */
export interface ExtensionAudience {
  functionName: string;
  functionVersion: string;
  handler: string;
}

/** The invocation an INVOKE event describes. */
export interface InvokeEvent {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
}

interface Extension {
  name: string;
  /** The events it subscribed to, in the order it named them. */
  events: ExtensionEventType[];
  /** Set once its process has ended; it then waits for nothing. */
  ended?: boolean;
  /** Its pending `/event/next`, if it is waiting. */
  waiting?: ServerResponse;
  /** Events it has not been given yet. */
  queued: object[];
}

const PREFIX = "/2020-01-01/extension";

/**
 * The Extensions API (2020-01-01) of one environment, served beside its
 * Runtime API: external extensions register during init, then take INVOKE
 * and SHUTDOWN events through `/event/next`. An extension that asks for its
 * next event is idle; the environment waits for every extension to be idle
 * before it ends init and before an invocation is over.
 */
export class ExtensionsApi implements RuntimeApiRoutes {
  private readonly extensions = new Map<string, Extension>();
  private readonly idleWaiters: (() => void)[] = [];
  private registrationOpen = true;

  constructor(
    private readonly audience: ExtensionAudience,
    private readonly events: ExtensionsApiEvents,
  ) {}

  /** How many extensions have registered. */
  get registered(): number {
    return this.extensions.size;
  }

  /** Whether every extension waits on `/event/next` with nothing left to take. */
  idle(): boolean {
    for (const extension of this.extensions.values()) {
      if (extension.ended) continue;
      if (!extension.waiting || extension.queued.length > 0) return false;
    }
    return true;
  }

  /** AWS's log line for each registered extension, written when init is done. */
  readyLines(): string[] {
    return [...this.extensions.values()].map(
      (extension) =>
        `EXTENSION\tName: ${extension.name}\tState: Ready\t` +
        `Events: [${extension.events.join(", ")}]`,
    );
  }

  /** Settles once every extension waits for its next event. */
  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Init is over: no extension may register from now on. */
  closeRegistration(): void {
    this.registrationOpen = false;
  }

  /** Gives an INVOKE event to the extensions that subscribed to it. */
  invoke(event: InvokeEvent): void {
    this.publish("INVOKE", {
      eventType: "INVOKE",
      deadlineMs: event.deadlineMs,
      requestId: event.requestId,
      invokedFunctionArn: event.invokedFunctionArn,
      tracing: { type: "X-Amzn-Trace-Id", value: event.traceId },
    });
  }

  /** Settles true once every extension is idle, or false when `limitMs` passes first. */
  async idleWithin(limitMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const idle = await Promise.race([
      this.whenIdle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, limitMs));
      }),
    ]);
    clearTimeout(timer);
    return idle;
  }

  /** Gives a SHUTDOWN event; returns whether any extension subscribed to it. */
  shutdown(reason: ShutdownReason, deadlineMs: number): boolean {
    return (
      this.publish("SHUTDOWN", {
        eventType: "SHUTDOWN",
        deadlineMs,
        shutdownReason: reason,
      }) > 0
    );
  }

  /** The process of the extension registered as `name` has ended. */
  exited(name: string): void {
    for (const extension of this.extensions.values()) {
      if (extension.name === name) extension.ended = true;
    }
    this.wakeIfIdle();
  }

  close(): void {
    for (const extension of this.extensions.values())
      extension.waiting?.destroy();
  }

  handle(req: IncomingMessage, res: ServerResponse, url: string): boolean {
    if (!url.startsWith(`${PREFIX}/`)) return false;
    const path = url.slice(PREFIX.length);
    if (req.method === "POST" && path === "/register") {
      void readJson(req).then((body) => this.register(req, res, body));
    } else if (req.method === "GET" && path === "/event/next") {
      const extension = this.identified(req, res);
      if (extension) this.next(extension, res);
    } else if (
      req.method === "POST" &&
      (path === "/init/error" || path === "/exit/error")
    ) {
      void readJson(req).then((body) => {
        if (!this.identified(req, res)) return;
        reply(res, 202, { status: "OK" });
        if (path === "/init/error") {
          this.events.onInitError({
            payload: Buffer.from(JSON.stringify(body ?? {})),
            errorType: errorTypeOf(req),
          });
        }
      });
    } else {
      req.resume();
      reply(res, 404, { errorMessage: "Not Found", errorType: "NotFound" });
    }
    return true;
  }

  private register(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): void {
    const checked = this.checkRegistration(
      req.headers["lambda-extension-name"],
      body,
    );
    if ("errorType" in checked) {
      reply(res, 403, checked);
      return;
    }
    const id = randomUUID();
    this.extensions.set(id, { ...checked, queued: [] });
    res
      .writeHead(200, {
        "Content-Type": "application/json",
        "Lambda-Extension-Identifier": id,
      })
      .end(JSON.stringify(this.audience));
    this.events.onRegistered(this.extensions.size);
  }

  /** The name and events of a registration, or AWS's error refusing it. */
  private checkRegistration(
    name: string | string[] | undefined,
    body: unknown,
  ):
    | { name: string; events: ExtensionEventType[] }
    | { errorMessage: string; errorType: string } {
    if (typeof name !== "string" || name === "") {
      return {
        errorMessage: "Empty extension name",
        errorType: "Extension.InvalidExtensionName",
      };
    }
    const events = parseEvents(body);
    // Our wording for these two; AWS's repeats its JSON decoder's error.
    if (events === undefined) {
      return {
        errorMessage: 'The body must be a JSON object: {"events": [...]}',
        errorType: "InvalidRequestFormat",
      };
    }
    if (typeof events === "string") {
      return {
        errorMessage: `${events}: only INVOKE and SHUTDOWN can be subscribed to`,
        errorType: "Extension.InvalidEventType",
      };
    }
    if (!this.registrationOpen) {
      return {
        errorMessage: "Extension registration closed already",
        errorType: "Extension.RegistrationClosed",
      };
    }
    if ([...this.extensions.values()].some((known) => known.name === name)) {
      return {
        errorMessage:
          `State transition from Registered to Registered failed for extension ${name}. ` +
          "Error: State transition is not allowed",
        errorType: "Extension.InvalidExtensionState",
      };
    }
    if (this.extensions.size >= LIMITS.extensionsPerFunction) {
      return {
        errorMessage: `Extension limit (${LIMITS.extensionsPerFunction}) reached`,
        errorType: "Extension.TooManyExtensions",
      };
    }
    return { name, events };
  }

  private next(extension: Extension, res: ServerResponse): void {
    extension.waiting?.destroy();
    extension.waiting = res;
    res.once("close", () => {
      if (extension.waiting === res) extension.waiting = undefined;
    });
    this.deliver(extension);
    this.wakeIfIdle();
  }

  private wakeIfIdle(): void {
    if (this.idle()) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private publish(type: ExtensionEventType, event: object): number {
    let subscribers = 0;
    for (const extension of this.extensions.values()) {
      if (!extension.events.includes(type)) continue;
      subscribers += 1;
      extension.queued.push(event);
      this.deliver(extension);
    }
    return subscribers;
  }

  private deliver(extension: Extension): void {
    const res = extension.waiting;
    const event = extension.queued.shift();
    if (!res || !event) {
      if (event) extension.queued.unshift(event);
      return;
    }
    extension.waiting = undefined;
    res
      .writeHead(200, {
        "Content-Type": "application/json",
        "Lambda-Extension-Event-Identifier": randomUUID(),
      })
      .end(JSON.stringify(event));
  }

  /** The extension a request names in its header; answers 403 when there is none. */
  private identified(
    req: IncomingMessage,
    res: ServerResponse,
  ): Extension | undefined {
    const id = req.headers["lambda-extension-identifier"];
    if (typeof id !== "string" || id === "") {
      reply(res, 403, {
        errorMessage: "Missing Lambda-Extension-Identifier header",
        errorType: "Extension.MissingExtensionIdentifier",
      });
      return undefined;
    }
    const extension = this.extensions.get(id);
    if (!extension) {
      reply(res, 403, {
        errorMessage: "Invalid Lambda-Extension-Identifier",
        errorType: "Extension.InvalidExtensionIdentifier",
      });
    }
    return extension;
  }
}

/**
 * The events a registration subscribes to; the first unknown event's name
 * when there is one, undefined when the body is not `{"events": [...]}`.
 */
function parseEvents(body: unknown): ExtensionEventType[] | string | undefined {
  const events = (body as { events?: unknown } | undefined)?.events;
  if (!Array.isArray(events)) return undefined;
  const unknown = events.find(
    (event) => event !== "INVOKE" && event !== "SHUTDOWN",
  );
  if (unknown !== undefined) return String(unknown);
  return [...new Set(events as ExtensionEventType[])];
}

function errorTypeOf(req: IncomingMessage): string {
  const header = req.headers["lambda-extension-function-error-type"];
  return typeof header === "string" && header ? header : "Extension.Unknown";
}

/** A small JSON body; undefined when it is empty, too large or not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, 65536);
  try {
    return JSON.parse(body?.toString("utf8") ?? "");
  } catch {
    return undefined;
  }
}
