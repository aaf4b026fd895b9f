/** A failure the user can act on: printed as one `lambkin:` line, without a stack. */
export class CliError extends Error {}

/** The error for a Lambkin endpoint that nothing answers at. */
export function unreachable(endpoint: string, err: unknown): CliError {
  // fetch() says only "fetch failed"; the reason is in its cause.
  const cause =
    err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CliError(
    `cannot reach Lambkin at ${endpoint} (${reason}); ` +
      "start it with `lambkin serve` or pass --endpoint",
  );
}
