import type { IncomingHttpHeaders } from "node:http";

/** What the Runtime API says about one invocation, from `/next` headers. */
export interface InvocationInfo {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string | undefined;
  clientContext: unknown;
  identity: unknown;
  tenantId: string | undefined;
}

/** Raised when `/next` answers without a request id. */
export class MissingRequestIdError extends Error {
  constructor() {
    super(
      "Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id",
    );
    this.name = "MissingRequestIdError";
  }
}

function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonHeader(value: string | undefined): unknown {
  if (value === undefined || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    // A malformed header must not fail the invocation; AWS sends valid JSON.
    return undefined;
  }
}

/** Reads the invocation headers of a `/next` response. */
export function readInvocationInfo(
  headers: IncomingHttpHeaders,
): InvocationInfo {
  const requestId = header(headers, "lambda-runtime-aws-request-id");
  if (!requestId) throw new MissingRequestIdError();
  return {
    requestId,
    deadlineMs: Number(header(headers, "lambda-runtime-deadline-ms") ?? 0),
    invokedFunctionArn:
      header(headers, "lambda-runtime-invoked-function-arn") ?? "",
    traceId: header(headers, "lambda-runtime-trace-id"),
    clientContext: parseJsonHeader(
      header(headers, "lambda-runtime-client-context"),
    ),
    identity: parseJsonHeader(
      header(headers, "lambda-runtime-cognito-identity"),
    ),
    tenantId: header(headers, "lambda-runtime-aws-tenant-id"),
  };
}
