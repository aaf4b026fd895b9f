import type { LogTable } from "../store/index.js";

/**
 * Buffers log events and writes them to the store in batches, so that a
 * chatty function costs one transaction per flush, not one per line.
 */
export class LogWriter {
  private pending: {
    logGroup: string;
    logStream: string;
    timestamp: number;
    message: string;
  }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logs: LogTable,
    private readonly flushDelayMs = 50,
  ) {}

  /** Queues one event of a log stream. */
  write(
    logGroup: string,
    logStream: string,
    message: string,
    timestamp = Date.now(),
  ): void {
    this.pending.push({ logGroup, logStream, timestamp, message });
    this.timer ??= setTimeout(() => this.flush(), this.flushDelayMs);
  }

  /** Writes everything queued so far. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.logs.append(batch);
  }
}
