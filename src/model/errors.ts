/**
 * Errors a caller of the Lambda API can cause. Each carries the AWS error type
 * and HTTP status; `server/` turns them into the wire format in one place.
 */

/** How the message member of an error body is spelled on the wire. */
export type MessageKey = "message" | "Message";

/** An error returned to an API caller in the AWS wire format. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly messageKey: MessageKey = "message",
    readonly headers: Record<string, string> = {},
    readonly extraFields: Record<string, string> = {},
  ) {
    super(message);
    this.name = type;
  }

  /** The JSON body AWS sends for this error. */
  body(): Record<string, string> {
    const body: Record<string, string> = {};
    // Limitation: the Type AWS sends for 5xx errors ("Service") is unverified.
    if (!UNMODELED.has(this.type)) {
      body.Type = this.status >= 500 ? "Service" : "User";
    }
    body[this.messageKey] = this.message;
    return { ...body, ...this.extraFields };
  }
}

/** Framework errors whose body carries only a message, with no Type. */
const UNMODELED = new Set([
  "ValidationException",
  "RequestEntityTooLargeException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "UnknownOperationException",
]);

/** 404: the function, version or alias does not exist. */
export const resourceNotFound = (message: string): ApiError =>
  new ApiError("ResourceNotFoundException", 404, message, "Message");

/** 403: the caller may not reach the resource, such as a function of another account. */
export const accessDenied = (message: string): ApiError =>
  new ApiError("AccessDeniedException", 403, message, "Message");

/** 409: the resource exists or is in a state that forbids the operation. */
export const resourceConflict = (message: string): ApiError =>
  new ApiError("ResourceConflictException", 409, message);

/** 400: a parameter has a value Lambda does not accept. */
export const invalidParameterValue = (message: string): ApiError =>
  new ApiError("InvalidParameterValueException", 400, message);

/** 400: a member fails its model constraint, in AWS's validation wording. */
export const validation = (message: string): ApiError =>
  new ApiError("ValidationException", 400, message);

/** 400: the request body could not be parsed. */
export const invalidRequestContent = (message: string): ApiError =>
  new ApiError("InvalidRequestContentException", 400, message);

/** 413: the request body is larger than the operation allows. */
export const requestEntityTooLarge = (message: string): ApiError =>
  new ApiError("RequestEntityTooLargeException", 413, message);

/** 412: the caller's RevisionId is stale. */
export const preconditionFailed = (): ApiError =>
  new ApiError(
    "PreconditionFailedException",
    412,
    "The Revision Id provided does not match the latest Revision Id. " +
      "Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
  );

/** 429: no concurrency is left for this invocation. */
export const tooManyRequests = (reason: string): ApiError =>
  new ApiError(
    "TooManyRequestsException",
    429,
    "Rate Exceeded.",
    "message",
    { "Retry-After": "1" },
    { Reason: reason },
  );

/** 500: Lambkin itself failed; the message says why. */
export const serviceError = (message: string): ApiError =>
  new ApiError("ServiceException", 500, message, "Message");

/** One "Value '<v>' at '<member>' failed to satisfy constraint" finding. */
export const constraintViolation = (
  value: string,
  member: string,
  constraint: string,
): ApiError =>
  validation(
    `1 validation error detected: Value '${value}' at '${member}' ` +
      `failed to satisfy constraint: ${constraint}`,
  );
