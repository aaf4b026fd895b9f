/** A Runtime API answer as a runtime receives it: HTTP status and JSON body. */
export interface RuntimeApiAnswer {
  status: number;
  body: unknown;
}

/** The 403 AWS answers a runtime call that its state does not allow. */
export function wrongTransition(from: string, to: string): RuntimeApiAnswer {
  return {
    status: 403,
    body: {
      errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
      errorType: "InvalidStateTransition",
    },
  };
}

/** The 400 AWS answers an answer for an invocation the runtime was not given. */
export const INVALID_REQUEST_ID: RuntimeApiAnswer = {
  status: 400,
  body: { errorMessage: "Invalid request ID", errorType: "InvalidRequestID" },
};
