import { randomBytes } from "node:crypto";
import { logGroupName } from "../model/index.js";
import type { LogWriter } from "../observe/index.js";
import { OutputBudget } from "./output-budget.js";

/**
 * One environment's log stream: the platform's lines and the function's
 * output, which each invocation may add to only up to its budget. The lines
 * of the invocation in progress are also kept, for `LogType: Tail`.
 */
export class EnvironmentLog {
  /** AWS's stream name: `YYYY/MM/DD/[<version>]<32 hex>`. */
  readonly streamName: string;
  private readonly group: string;
  private budget: OutputBudget;
  private invocationLines?: string[];

  constructor(
    functionName: string,
    version: string,
    private readonly writer: LogWriter,
    private readonly maxBytesPerInvocation: number,
  ) {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
    this.streamName = `${day}/[${version}]${randomBytes(16).toString("hex")}`;
    this.group = logGroupName(functionName);
    this.budget = new OutputBudget(maxBytesPerInvocation);
  }

  /** A fresh output budget, and a list that collects the invocation's lines. */
  startInvocation(): string[] {
    this.budget = new OutputBudget(this.maxBytesPerInvocation);
    this.invocationLines = [];
    return this.invocationLines;
  }

  /** Lines written from now on belong to no invocation's tail. */
  endInvocation(): void {
    this.invocationLines = undefined;
  }

  /** A line of the platform's own. */
  write(line: string): void {
    this.invocationLines?.push(line);
    this.writer.write(this.group, this.streamName, line);
  }

  /** A line the function printed, kept while the invocation's budget lasts. */
  writeOutput(line: string): void {
    const verdict = this.budget.take(line);
    if (verdict === "keep") this.write(line);
    if (verdict === "drop-first") {
      this.write(
        `Lambkin: log output passed ${this.budget.maxBytes} bytes; ` +
          "the rest is dropped until the next invocation starts.",
      );
    }
  }

  flush(): void {
    this.writer.flush();
  }
}
