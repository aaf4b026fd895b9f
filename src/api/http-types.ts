import type { IncomingHttpHeaders } from "node:http";
import { LIMITS } from "../model/index.js";

/** A request as route handlers see it, with its body already read. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request id Lambkin answers with in `x-amzn-RequestId`. */
  requestId: string;
}

/** What a route handler answers. A non-Buffer body is sent as JSON. */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | object;
}

/** A route handler. Errors it throws become AWS wire-format errors. */
export type Handler = (
  request: ApiRequest,
) => Promise<ApiResponse> | ApiResponse;

/** One route of the front door. */
export interface Route {
  method: string;
  /** A path with `{Name}` placeholders, e.g. `/2015-03-31/functions/{FunctionName}`. */
  path: string;
  /** The largest body this route reads; past it the request is refused with 413. */
  maxBodyBytes: number;
  /** The 413 message, given the size the body reached. */
  tooLargeMessage: (size: number) => string;
  handler: Handler;
}

/**
 * A control-plane route: its body may be as large as a CreateFunction
 * request, and past that it is refused in AWS's words for `operation`.
 */
export function controlPlaneRoute(
  method: string,
  path: string,
  operation: string,
  handler: Handler,
): Route {
  const limit = LIMITS.createFunctionRequestMaxBytes;
  return {
    method,
    path,
    maxBodyBytes: limit,
    tooLargeMessage: () =>
      `Request must be smaller than ${limit} bytes for the ${operation} operation`,
    handler,
  };
}
