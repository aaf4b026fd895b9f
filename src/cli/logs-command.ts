import { setTimeout as sleep } from "node:timers/promises";
import { CliError, unreachable } from "./cli-error.js";

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
  let printedAny = false;
  for (;;) {
    const page = await fetchPage(options.endpoint, functionName, after);
    for (const event of page.events) process.stdout.write(`${event.message}\n`);
    after = page.nextAfter;
    if (page.events.length > 0) {
      printedAny = true;
      continue;
    }
    if (options.follow) {
      await sleep(FOLLOW_INTERVAL_MS);
      continue;
    }
    // Silence would look like a wrong name or endpoint; say what happened.
    if (!printedAny) {
      process.stderr.write(`lambkin: no log events for ${functionName} yet\n`);
    }
    return;
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
    throw unreachable(endpoint, err);
  }
  if (!response.ok) {
    throw new CliError(
      `Lambkin answered ${response.status}: ${await response.text()}`,
    );
  }
  return (await response.json()) as LogPage;
}
