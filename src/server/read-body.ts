import type { IncomingMessage } from "node:http";

/** A body, or the size it reached when it was larger than allowed. */
export type BodyResult =
  { ok: true; body: Buffer } | { ok: false; size: number };

/**
 * Reads a request body, keeping at most `maxBytes` in memory. A larger body
 * is read to its end and thrown away, so that the client still gets the
 * 413 answer rather than a reset connection.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () =>
      resolve(
        size <= maxBytes
          ? { ok: true, body: Buffer.concat(chunks) }
          : { ok: false, size },
      ),
    );
    req.on("error", reject);
  });
}
