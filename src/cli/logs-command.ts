import { setTimeout as sleep } from "node:timers/promises";

interface LogPage {
  events: {
    id: number;
    logStreamName: string;
    timestamp: number;
    message: string;
  }[];
  nextAfter: number;
}

const FOLLOW_INTERVAL_MS = 500;

/** `lambkin logs`: prints a function's log lines, and with --follow new ones too. */
export async function logsCommand(
  functionName: string,
  options: { follow?: boolean; endpoint: string },
): Promise<void> {
  let after = 0;
  for (;;) {
    const page = await fetchPage(options.endpoint, functionName, after);
    for (const event of page.events) process.stdout.write(`${event.message}\n`);
    after = page.nextAfter;
    if (page.events.length > 0) continue;
    if (!options.follow) return;
    await sleep(FOLLOW_INTERVAL_MS);
  }
}

async function fetchPage(
  endpoint: string,
  functionName: string,
  after: number,
): Promise<LogPage> {
  const url = `${endpoint}/_lambkin/logs/${encodeURIComponent(functionName)}?after=${after}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(
      `cannot reach Lambkin at ${endpoint} (${(err as Error).message}); ` +
        "start it with `lambkin serve` or pass --endpoint",
    );
  }
  if (!response.ok)
    throw new Error(
      `Lambkin answered ${response.status}: ${await response.text()}`,
    );
  return (await response.json()) as LogPage;
}
