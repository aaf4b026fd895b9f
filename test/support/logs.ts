import { setTimeout as delay } from "node:timers/promises";

/** One event of a function's log, as `GET /_lambkin/logs/<name>` returns it. */
export interface LogEvent {
  id: number;
  logStreamName: string;
  timestamp: number;
  message: string;
}

interface LogPage {
  events: LogEvent[];
  nextAfter: number;
}

/** Reads every stored log event of a function, following `nextAfter` to the end. */
export async function readFunctionLog(
  url: string,
  functionName: string,
): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(
      `${url}/_lambkin/logs/${encodeURIComponent(functionName)}?after=${after}&limit=1000`,
    );
    if (response.status !== 200) {
      throw new Error(
        `GET logs of ${functionName}: ${response.status} ${await response.text()}`,
      );
    }
    const page = (await response.json()) as LogPage;
    events.push(...page.events);
    if (page.events.length === 0 || page.nextAfter === after) return events;
    after = page.nextAfter;
  }
}

/**
 * Reads `read()` again and again until `done` accepts its value, and returns
 * that value; fails with the last value seen once `timeoutMs` has passed.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}; last seen:\n` +
          JSON.stringify(value, null, 2).slice(0, 4000),
      );
    }
    await delay(options.intervalMs ?? 100);
  }
}

/** Polls a function's log until `done` accepts its messages. */
export function pollFunctionLog(
  url: string,
  functionName: string,
  done: (messages: string[]) => boolean,
  options: { timeoutMs: number; what: string },
): Promise<string[]> {
  return pollUntil(
    async () =>
      (await readFunctionLog(url, functionName)).map((event) => event.message),
    done,
    options,
  );
}

/** How many of `messages` match `pattern`. */
export function countMatching(messages: string[], pattern: RegExp): number {
  return messages.filter((message) => pattern.test(message)).length;
}

/** The `Duration` of a REPORT line, in milliseconds (NaN when it has none). */
export function reportDurationMs(reportLine: string): number {
  return Number(/\tDuration: ([\d.]+) ms\t/.exec(reportLine)?.[1]);
}
