/** The measurements of one invocation that its REPORT line carries. */
export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  status?: "timeout" | "error";
  errorType?: string;
}

/**
 * The REPORT line as AWS writes it: tab separated, with a trailing tab.
 * @example formatReport({ requestId, durationMs: 3.012, memorySizeMb: 128, maxMemoryUsedMb: 40 })
 */
export function formatReport(fields: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${fields.requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedMs(fields.durationMs)} ms`,
    `Memory Size: ${fields.memorySizeMb} MB`,
    `Max Memory Used: ${fields.maxMemoryUsedMb} MB`,
  ];
  if (fields.initDurationMs !== undefined) {
    parts.push(`Init Duration: ${fields.initDurationMs.toFixed(2)} ms`);
  }
  if (fields.status) parts.push(`Status: ${fields.status}`);
  if (fields.errorType) parts.push(`Error Type: ${fields.errorType}`);
  return `${parts.join("\t")}\t`;
}

/** Lambda bills whole milliseconds, rounding up, and at least 1 ms. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** What the INIT_REPORT line of a failed init carries: an error's type, or none for a timeout. */
export interface InitReportFields {
  durationMs: number;
  errorType?: string;
}

/**
 * The INIT_REPORT line AWS writes when an environment's init fails or
 * times out.
 * @example formatInitReport({ durationMs: 150.789, errorType: "Runtime.ExitError" })
 */
export function formatInitReport(fields: InitReportFields): string {
  return [
    `INIT_REPORT Init Duration: ${fields.durationMs.toFixed(2)} ms`,
    "Phase: init",
    ...(fields.errorType === undefined
      ? ["Status: timeout"]
      : ["Status: error", `Error Type: ${fields.errorType}`]),
  ].join("\t");
}
