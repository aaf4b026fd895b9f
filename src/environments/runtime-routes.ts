import type { IncomingMessage, ServerResponse } from "node:http";
import { LIMITS } from "../model/index.js";
import type { InvocationOutcome, InvocationRequest } from "./invocation.js";
import {
  accountedErrorType,
  reportedError,
  responseTooLarge,
} from "./reported-error.js";
import {
  accepted,
  readBody,
  reply,
  safeDecode,
  type RuntimeApiRoutes,
} from "./runtime-api-http.js";

/** What the runtime's routes report to their environment. */
export interface RuntimeApiEvents {
  /** The runtime asked for work: init is over, or the last invocation is done. */
  onNext(): void;
  /** The runtime answered the invocation it was given. */
  onOutcome(outcome: InvocationOutcome): void;
  /** The runtime could not initialize. */
  onInitError(outcome: InvocationOutcome): void;
}

/**
 * Where the runtime is in its life, under the names AWS's emulator uses in
 * its InvalidStateTransition messages, which runtime clients show.
 */
type RuntimeState =
  | "Started"
  | "InitError"
  | "Ready"
  | "Running"
  | "InvocationResponse"
  | "InvocationErrorResponse"
  | "RuntimeResponseSentState";

/** What each call asks to become, and the states it may be made from. */
const ALLOWED_FROM = {
  Ready: ["Started", "Ready", "Running", "RuntimeResponseSentState"],
  InvocationResponse: ["Running"],
  InvocationErrorResponse: ["Running"],
  InitError: ["Started"],
} satisfies Record<string, RuntimeState[]>;

type Transition = keyof typeof ALLOWED_FROM;

interface Assigned {
  request: InvocationRequest;
  deadlineMs: number;
}

const PREFIX = "/2018-06-01/runtime";
const ANSWER_PATH =
  /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

/**
 * The runtime's routes of the Runtime API (2018-06-01): `next`, `response`,
 * `error` and `init/error`, checked against the runtime's state as AWS
 * checks them, so that only the first answer to an invocation counts.
 */
export class RuntimeRoutes implements RuntimeApiRoutes {
  private state: RuntimeState = "Started";
  private waitingNext?: ServerResponse;
  private queued?: Assigned;
  private current?: Assigned;

  constructor(private readonly events: RuntimeApiEvents) {}

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

  /** Ends a `/next` call still waiting, as the environment goes away. */
  close(): void {
    this.waitingNext?.destroy();
  }

  handle(req: IncomingMessage, res: ServerResponse, url: string): boolean {
    if (req.method === "GET" && url === `${PREFIX}/invocation/next`) {
      this.next(res);
      return true;
    }
    const answer = ANSWER_PATH.exec(url);
    if (req.method === "POST" && answer) {
      const transition =
        answer[2] === "error"
          ? "InvocationErrorResponse"
          : "InvocationResponse";
      this.answer(req, res, safeDecode(answer[1]!), transition);
      return true;
    }
    if (req.method === "POST" && url === `${PREFIX}/init/error`) {
      this.initError(req, res);
      return true;
    }
    return false;
  }

  private next(res: ServerResponse): void {
    if (!this.enter("Ready", res)) return;
    // A runtime may ask again before it answers; its invocation stays open.
    if (this.state !== "Running") this.state = "Ready";
    this.waitingNext = res;
    this.events.onNext();
    this.deliver();
  }

  private deliver(): void {
    const res = this.waitingNext;
    const assigned = this.queued;
    if (!res || !assigned) return;
    this.waitingNext = undefined;
    this.queued = undefined;
    this.current = assigned;
    this.state = "Running";
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

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string | undefined,
    transition: "InvocationResponse" | "InvocationErrorResponse",
  ): void {
    // As on AWS, the state is checked before the request id: once an
    // invocation is answered, every further answer is a wrong transition.
    if (!this.enter(transition, res)) {
      req.resume();
      return;
    }
    const current = this.current;
    if (!current || current.request.requestId !== requestId) {
      req.resume();
      reply(res, 400, {
        errorMessage: "Invalid request ID",
        errorType: "InvalidRequestID",
      });
      return;
    }
    this.state = transition;
    void readBody(req, LIMITS.responsePayloadMaxBytes).then((body) => {
      this.state = "RuntimeResponseSentState";
      this.current = undefined;
      if (body === undefined) {
        entityTooLarge(res);
        this.events.onOutcome(responseTooLarge());
        return;
      }
      accepted(res);
      const endpoint = `/runtime/invocation/${current.request.requestId}/error`;
      this.events.onOutcome(
        transition === "InvocationErrorResponse"
          ? reportedError(endpoint, body, accountedErrorType(req))
          : { payload: body },
      );
    });
  }

  private initError(req: IncomingMessage, res: ServerResponse): void {
    if (!this.enter("InitError", res)) {
      req.resume();
      return;
    }
    this.state = "InitError";
    void readBody(req, LIMITS.responsePayloadMaxBytes).then((body) => {
      if (body === undefined) {
        entityTooLarge(res);
        this.events.onInitError(responseTooLarge());
        return;
      }
      accepted(res);
      this.events.onInitError(
        reportedError("/runtime/init/error", body, accountedErrorType(req)),
      );
    });
  }

  /** True when `transition` may happen now; else answers 403 as AWS does. */
  private enter(transition: Transition, res: ServerResponse): boolean {
    const allowed: readonly RuntimeState[] = ALLOWED_FROM[transition];
    if (allowed.includes(this.state)) return true;
    reply(res, 403, {
      errorMessage:
        `State transition from ${this.state} to ${transition} failed for runtime. ` +
        "Error: State transition is not allowed",
      errorType: "InvalidStateTransition",
    });
    return false;
  }
}

function entityTooLarge(res: ServerResponse): void {
  reply(res, 413, {
    errorMessage:
      "Exceeded maximum allowed payload size " +
      `(${LIMITS.responsePayloadMaxBytes} bytes).`,
    errorType: "RequestEntityTooLarge",
  });
}
