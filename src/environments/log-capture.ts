import type { Readable } from "node:stream";

/**
 * Splits a process's output into lines and hands each to `onLine`. A line
 * longer than `maxLineBytes` is cut there, as CloudWatch cuts large events.
 */
export function captureLines(
  output: Readable,
  onLine: (line: string) => void,
  maxLineBytes = 256 * 1024,
): void {
  let partial = "";
  output.setEncoding("utf8");
  output.on("data", (chunk: string) => {
    const pieces = (partial + chunk).split("\n");
    partial = pieces.pop() ?? "";
    for (const line of pieces) onLine(line.replace(/\r/g, "\n"));
    if (partial.length > maxLineBytes) {
      onLine(partial.slice(0, maxLineBytes));
      partial = "";
    }
  });
  output.on("end", () => {
    if (partial) onLine(partial);
  });
}
