import {
  constraintViolation,
  functionArn,
  invalidRequestContent,
  LIMITS,
  requestEntityTooLarge,
} from "../model/index.js";
import type { ApiRequest, ApiResponse, Route } from "./http-types.js";
import type { ApiContext } from "./api-context.js";
import { targetOf } from "./request-parsing.js";

type InvocationType = "RequestResponse" | "Event" | "DryRun";
const INVOCATION_TYPES: InvocationType[] = [
  "Event",
  "RequestResponse",
  "DryRun",
];

/** Invoke and the legacy InvokeAsync. */
export function invokeRoutes(context: ApiContext): Route[] {
  return [
    {
      method: "POST",
      path: "/2015-03-31/functions/{FunctionName}/invocations",
      maxBodyBytes: LIMITS.syncPayloadMaxBytes,
      tooLargeMessage: () =>
        `Request must be smaller than ${LIMITS.syncPayloadMaxBytes} bytes for the ` +
        "InvokeFunction operation",
      handler: (request) => invoke(context, request, invocationTypeOf(request)),
    },
    {
      method: "POST",
      path: "/2014-11-13/functions/{FunctionName}/invoke-async",
      maxBodyBytes: LIMITS.asyncPayloadMaxBytes,
      tooLargeMessage: eventTooLarge,
      handler: async (request) => {
        await invoke(context, request, "Event");
        return { status: 202, body: { Status: 202 } };
      },
    },
  ];
}

async function invoke(
  context: ApiContext,
  request: ApiRequest,
  invocationType: InvocationType,
): Promise<ApiResponse> {
  const target = targetOf(request, 256, context.where);
  const logType = request.headers["x-amz-log-type"] ?? "None";
  if (logType !== "None" && logType !== "Tail") {
    throw constraintViolation(
      String(logType),
      "logType",
      "Member must satisfy enum value set: [Tail, None]",
    );
  }
  const payload = request.body.length === 0 ? Buffer.from("{}") : request.body;
  checkJson(payload);
  const input = {
    functionName: target.name,
    qualifier: target.qualifier,
    invokedArn: functionArn(context.where, target.name, target.qualifier),
    payload,
    clientContext: decodeClientContext(request.headers["x-amz-client-context"]),
  };
  if (invocationType === "DryRun") {
    context.invoker.resolve(target.name, target.qualifier);
    return { status: 204 };
  }
  if (invocationType === "Event") {
    if (payload.length > LIMITS.asyncPayloadMaxBytes) {
      throw requestEntityTooLarge(eventTooLarge(payload.length));
    }
    const requestId = context.invoker.enqueue(input);
    return { status: 202, headers: { "x-amzn-RequestId": requestId } };
  }
  const output = await context.invoker.invoke(input);
  const headers: Record<string, string> = {
    "x-amzn-RequestId": output.requestId,
    "X-Amz-Executed-Version": output.executedVersion,
    "Content-Type": "application/json",
  };
  if (output.functionError)
    headers["X-Amz-Function-Error"] = output.functionError;
  if (logType === "Tail")
    headers["X-Amz-Log-Result"] = logTail(output.logLines);
  return { status: 200, headers, body: output.payload };
}

function invocationTypeOf(request: ApiRequest): InvocationType {
  const raw = request.headers["x-amz-invocation-type"] ?? "RequestResponse";
  if (!INVOCATION_TYPES.includes(raw as InvocationType)) {
    throw constraintViolation(
      String(raw),
      "invocationType",
      "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    );
  }
  return raw as InvocationType;
}

function eventTooLarge(size: number): string {
  return (
    `${size} byte payload is too large for the Event invocation type ` +
    `(limit ${LIMITS.asyncPayloadMaxBytes} bytes)`
  );
}

function checkJson(payload: Buffer): void {
  try {
    JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw invalidRequestContent(
      "Could not parse request body into json: Could not parse payload into json: " +
        (err as Error).message,
    );
  }
}

/**
 * The client context as the runtime receives it: the decoded JSON, written
 * again with non-ASCII characters escaped so that it fits in an HTTP header.
 */
function decodeClientContext(
  header: string | string[] | undefined,
): string | undefined {
  if (typeof header !== "string" || header === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    throw invalidRequestContent(
      "Client context must be a valid Base64-encoded JSON object.",
    );
  }
  return JSON.stringify(parsed).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The last 4 KB of an invocation's log, base64, as `X-Amz-Log-Result` carries it. */
function logTail(lines: string[]): string {
  const log = Buffer.from(lines.map((line) => `${line}\n`).join(""), "utf8");
  return log
    .subarray(Math.max(0, log.length - LIMITS.logTailBytes))
    .toString("base64");
}
