import { format } from "node:util";

/** Severity of a function log record, lowest first. */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

/** Rank of each level, for filtering by AWS_LAMBDA_LOG_LEVEL. */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = {
  TRACE: 1,
  DEBUG: 2,
  INFO: 3,
  WARN: 4,
  ERROR: 5,
  FATAL: 6,
};

/** What one console call produced, before it is formatted. */
export interface LogRecord {
  timestamp: Date;
  requestId: string | undefined;
  level: LogLevel;
  args: unknown[];
}

/**
 * One text line: `<ISO time>\t<request id>\t<LEVEL>\t<message>`, with the
 * message's newlines turned into `\r` so a record stays on one line.
 */
export function formatTextRecord(record: LogRecord): string {
  const line =
    `${record.timestamp.toISOString()}\t${record.requestId}\t` +
    `${record.level}\t${format(...record.args)}`;
  return line.replace(/\n/g, "\r") + "\n";
}

/**
 * An error's fields in a JSON record. As in AWS's runtime, the type is the
 * error's class name (`Error` for an Error whose `name` was changed; that
 * `name`, an own field, still follows among the error's own fields).
 */
function errorFields(error: Error): Record<string, unknown> {
  const className = (error.constructor as { name?: unknown } | undefined)?.name;
  return {
    errorType: typeof className === "string" ? className : "UnknownError",
    errorMessage: error.message,
    stackTrace:
      typeof error.stack === "string" ? error.stack.split("\n") : error.stack,
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...errorFields(value), ...value } : value;
}

/**
 * One JSON line. A single argument becomes `message` as a JSON value; several
 * are formatted into a string, with the first Error's fields lifted beside it.
 */
export function formatJsonRecord(record: LogRecord): string {
  const base = {
    timestamp: record.timestamp.toISOString(),
    level: record.level,
    requestId: record.requestId,
  };
  if (record.args.length === 1) {
    try {
      return (
        JSON.stringify({ ...base, message: record.args[0] }, jsonReplacer) +
        "\n"
      );
    } catch {
      // Circular or BigInt values: keep the record, as formatted text.
      return (
        JSON.stringify({ ...base, message: format(record.args[0]) }) + "\n"
      );
    }
  }
  const firstError = record.args.find((arg) => arg instanceof Error);
  return (
    JSON.stringify({
      ...base,
      message: format(...record.args),
      ...(firstError instanceof Error ? errorFields(firstError) : {}),
    }) + "\n"
  );
}
