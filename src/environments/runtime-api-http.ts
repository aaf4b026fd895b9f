import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * One part of the HTTP API an environment's processes call (the runtime's
 * routes; others can sit beside them on the same server).
 */
export interface RuntimeApiRoutes {
  /** Answers `req` and returns true, or returns false when it is not one of these routes. */
  handle(req: IncomingMessage, res: ServerResponse, url: string): boolean;
}

/** Writes a JSON answer. */
export function reply(res: ServerResponse, status: number, body: object): void {
  res
    .writeHead(status, { "Content-Type": "application/json" })
    .end(JSON.stringify(body));
}

/** AWS's answer to a request that was accepted: 202 `{"status":"OK"}`. */
export function accepted(res: ServerResponse): void {
  reply(res, 202, { status: "OK" });
}

/** Reads a body up to `limit` bytes; undefined when it is larger. */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

/** A decoded path segment; undefined when its percent-encoding is broken. */
export function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
