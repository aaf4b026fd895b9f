import http, { type IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";

/** What one post returned. */
export interface PostResult {
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * One HTTP endpoint the bench calls: a POST of a small JSON body through a
 * keep-alive agent. Lambkin and the baseline server are called the same way.
 */
export class JsonPoster {
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    private readonly url: URL,
    private readonly body: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Posts once and resolves with the response; rejects on a status other than 200. */
  post(extraHeaders: Record<string, string> = {}): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const request = http.request(this.url, {
        method: "POST",
        agent: this.agent,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(this.body),
          ...this.headers,
          ...extraHeaders,
        },
      });
      request.on("error", reject);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode === 200)
            resolve({ body: text, headers: response.headers });
          else
            reject(
              new Error(
                `${this.url.href} answered ${response.statusCode}: ${text}`,
              ),
            );
        });
      });
      request.end(this.body);
    });
  }

  /** Milliseconds one post takes, from request to the last byte of the response. */
  async time(): Promise<number> {
    const start = performance.now();
    await this.post();
    return performance.now() - start;
  }

  /** Closes the agent's idle sockets. */
  close(): void {
    this.agent.destroy();
  }
}

/** The latency of `count` posts made one after another, in milliseconds each. */
export async function sequentialLatencies(
  poster: JsonPoster,
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) latencies.push(await poster.time());
  return latencies;
}

/**
 * Completed posts per second with `concurrency` callers, each posting again
 * as soon as its last post returns, for `durationMs`.
 */
export async function throughput(
  poster: JsonPoster,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  const start = performance.now();
  const deadline = start + durationMs;
  let completed = 0;
  const caller = async () => {
    while (performance.now() < deadline) {
      await poster.post();
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return completed / ((performance.now() - start) / 1000);
}
