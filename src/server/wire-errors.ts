import { ApiError, serviceError } from "../model/index.js";

/** Turns anything a handler threw into the AWS error it should be on the wire. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return serviceError(
    "Lambkin failed to process the request; see the server log for the cause.",
  );
}

/** Status, headers and body of an error in the AWS wire format. */
export function errorResponse(
  error: ApiError,
  requestId: string,
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: error.status,
    headers: {
      "Content-Type": "application/json",
      "x-amzn-ErrorType": error.type,
      "x-amzn-RequestId": requestId,
      ...error.headers,
    },
    body: JSON.stringify(error.body()),
  };
}
