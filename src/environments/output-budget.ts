/** What to do with one line of a function's output. */
export type BudgetVerdict = "keep" | "drop-first" | "drop";

/**
 * How much of a function's output reaches its log: a budget for init, then
 * a fresh one at the start of each invocation. Output written after an
 * invocation ends still counts against that invocation's budget, so a
 * function cannot flood the log between invocations either.
 */
export class OutputBudget {
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Counts a line; once the budget is spent, says so for the first line dropped. */
  take(line: string): BudgetVerdict {
    if (this.bytes > this.maxBytes) return "drop";
    this.bytes += Buffer.byteLength(line) + 1;
    return this.bytes <= this.maxBytes ? "keep" : "drop-first";
  }
}
