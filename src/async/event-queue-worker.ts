import type { Logger } from "pino";
import type { Invoker } from "../invoke/index.js";
import { ApiError } from "../model/index.js";
import type { EventQueue, QueuedEvent } from "../store/index.js";

/** Attempts an event gets, as with AWS's default MaximumRetryAttempts of 2. */
const MAX_ATTEMPTS = 3;

/** How the worker paces itself; tests shorten these. */
export interface WorkerTiming {
  /** How long to wait before retrying an event that was throttled. */
  throttleRetryMs: number;
  /** How often to look for events even when nobody signalled one. */
  pollIntervalMs: number;
}

/**
 * Drains the durable queue of Event invocations in the background, running
 * up to `concurrency` of them at once. An event leaves the queue only once it
 * has run, so a crash or restart runs it again rather than losing it.
 */
export class EventQueueWorker {
  private running = 0;
  private stopped = false;
  private readonly active = new Set<Promise<void>>();
  private poller?: NodeJS.Timeout;

  constructor(
    private readonly queue: EventQueue,
    private readonly invoker: Invoker,
    private readonly concurrency: number,
    private readonly timing: WorkerTiming,
    private readonly log: Logger,
  ) {}

  /** Puts events a previous process left running back in line and starts draining. */
  start(): void {
    const recovered = this.queue.recoverRunning();
    const waiting = this.queue.waiting();
    if (waiting > 0)
      this.log.info(
        { waiting, recovered },
        "resuming queued event invocations",
      );
    this.invoker.onEnqueue(() => this.fill());
    this.poller = setInterval(() => this.fill(), this.timing.pollIntervalMs);
    this.poller.unref();
    this.fill();
  }

  /**
   * Stops taking events; the promise settles when those running have ended.
   * Events still running then stay in the queue for the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await Promise.all(this.active);
  }

  private fill(): void {
    while (!this.stopped && this.running < this.concurrency) {
      const event = this.queue.claim();
      if (!event) return;
      this.running += 1;
      const work = this.run(event).finally(() => {
        this.running -= 1;
        this.active.delete(work);
        this.fill();
      });
      this.active.add(work);
    }
  }

  private async run(event: QueuedEvent): Promise<void> {
    const fields = {
      functionName: event.functionName,
      requestId: event.requestId,
    };
    // An event whose earlier attempts never finished (the server stopped or
    // died while it ran) gets as many attempts as AWS gives: 1 and 2 retries.
    if (event.attempts > MAX_ATTEMPTS) {
      const attempts = event.attempts - 1;
      this.log.warn({ ...fields, attempts }, "event invocation abandoned");
      this.queue.complete(event.requestId);
      return;
    }
    for (;;) {
      try {
        const output = await this.invoker.invoke({
          functionName: event.functionName,
          qualifier: event.qualifier,
          invokedArn: event.invokedArn,
          payload: event.payload,
          requestId: event.requestId,
        });
        // Limitation: retries, maximum event age and destinations come with the async issue.
        this.log.info(
          { ...fields, functionError: output.functionError },
          "event invocation done",
        );
        break;
      } catch (err) {
        if (err instanceof ApiError && err.status === 429 && !this.stopped) {
          await new Promise((resolve) =>
            setTimeout(resolve, this.timing.throttleRetryMs),
          );
          continue;
        }
        this.log.warn({ ...fields, err }, "event invocation dropped");
        break;
      }
    }
    // An event cut short by shutdown stays queued and runs again after the restart.
    if (!this.stopped) this.queue.complete(event.requestId);
  }
}
