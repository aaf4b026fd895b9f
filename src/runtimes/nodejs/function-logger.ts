import { asError, errorToLogJson } from "./error-format.js";
import {
  formatJsonRecord,
  formatTextRecord,
  LOG_LEVEL_RANK,
  type LogLevel,
  type LogRecord,
} from "./log-record.js";

/** The console methods the runtime replaces, and the level each writes. */
const CONSOLE_LEVELS = {
  log: "INFO",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "TRACE",
  // Not a Node.js method: AWS's runtime adds it, and handlers may call it.
  fatal: "FATAL",
} as const satisfies Record<string, LogLevel>;

/** How function logs are written. */
export interface FunctionLoggerOptions {
  format: "JSON" | "TEXT";
  /** Lowest level written; everything when unset or unknown. */
  minLevel?: string | undefined;
  /** Where a finished line goes; stdout by default. */
  write?: (line: string) => void;
  clock?: () => Date;
}

/** Writes the function's console output as Lambda log records. */
export class FunctionLogger {
  private requestId: string | undefined;
  private readonly minRank: number;
  private readonly json: boolean;
  private readonly formatRecord: (record: LogRecord) => string;
  private readonly write: (line: string) => void;
  private readonly clock: () => Date;

  constructor(options: FunctionLoggerOptions) {
    const ranks: Readonly<Record<string, number | undefined>> = LOG_LEVEL_RANK;
    this.minRank = ranks[options.minLevel ?? ""] ?? 0;
    this.json = options.format === "JSON";
    this.formatRecord = this.json ? formatJsonRecord : formatTextRecord;
    this.write = options.write ?? ((line) => void process.stdout.write(line));
    this.clock = options.clock ?? (() => new Date());
  }

  /** Sets the request id stamped on later records (undefined in init). */
  setRequestId(requestId: string | undefined): void {
    this.requestId = requestId;
  }

  /** Replaces the console's logging methods so they write records. */
  patchConsole(target: Console = console): void {
    const methods = target as unknown as Record<string, unknown>;
    for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
      // Called as `(message, ...params)`, as AWS's runtime defines them: a
      // bare `console.log()` logs `undefined` (text) or a record with no
      // message (JSON), not an empty message.
      methods[method] = (message?: unknown, ...params: unknown[]) =>
        this.log(level, [message, ...params]);
    }
  }

  /** Writes one record at `level` unless the level is filtered out. */
  log(level: LogLevel, args: unknown[]): void {
    if (LOG_LEVEL_RANK[level] < this.minRank) return;
    const record = {
      timestamp: this.clock(),
      requestId: this.requestId,
      level,
      args,
    };
    this.write(this.formatRecord(record));
  }

  /** Logs a failure the way AWS's runtime does, e.g. `Invoke Error`. */
  logError(label: string, error: unknown): void {
    const value = asError(error);
    // JSON records carry the error's fields themselves; text lines follow
    // AWS's `<label> \t<error JSON>` form.
    if (this.json) this.log("ERROR", [value]);
    else this.log("ERROR", [`${label} \t${errorToLogJson(value)}`]);
  }
}
