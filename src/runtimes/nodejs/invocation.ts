import type { CompletionControls, LambdaContext } from "./context.js";
import type { EventLoopDrain } from "./event-loop-drain.js";
import type { UserHandler } from "./handler-loader.js";
import { nodeJsExitError } from "./runtime-errors.js";

/** How an invocation ended. */
export type Outcome =
  { ok: true; result: unknown } | { ok: false; error: unknown };

/**
 * What the handler is called on. AWS's runtime calls it as a method of its
 * `Runtime` object, so a stack frame of the handler reads
 * `at Runtime.handler (...)` (or `Runtime.name [as handler]`) in the error
 * traces that invocations return; calling it the same way keeps those traces
 * identical. The object holds nothing but the handler.
 */
class Runtime {
  constructor(readonly handler: UserHandler) {}
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Runs one event through the handler and decides its outcome once, with the
 * Node.js programming model's rules: a returned promise settles it; otherwise
 * the callback does, after the event loop drains unless
 * `callbackWaitsForEmptyEventLoop` is false; a handler that does neither
 * succeeds with null when the loop drains.
 */
export class Invocation {
  /** Set by the first completion call; later ones are ignored. */
  private claimed = false;
  private waitsForEmptyEventLoop = true;

  constructor(
    private readonly drain: EventLoopDrain,
    private readonly report: (outcome: Outcome) => void,
  ) {}

  /** Parses `body` and calls the handler with it. */
  start(
    handler: UserHandler,
    body: string,
    createContext: (controls: CompletionControls) => LambdaContext,
  ): void {
    let returned: unknown;
    try {
      const event: unknown = JSON.parse(body);
      const runtime = new Runtime(handler);
      returned = runtime.handler(
        event,
        createContext(this.controls()),
        this.callback,
      );
    } catch (error) {
      this.done(error);
      return;
    }
    if (isThenable(returned)) {
      returned.then(
        (result) => this.done(null, result),
        (error: unknown) => this.fail(error),
      );
    }
    if (this.claimed) return;
    // Nothing decided yet: the loop draining decides.
    const onDrain: Outcome = isThenable(returned)
      ? { ok: false, error: nodeJsExitError() }
      : { ok: true, result: null };
    this.drain.set(() => this.claim() && this.report(onDrain));
  }

  private claim(): boolean {
    if (this.claimed) return false;
    this.claimed = true;
    this.drain.set(undefined);
    return true;
  }

  private readonly callback = (error?: unknown, result?: unknown): void => {
    if (!this.claim()) return;
    if (error !== undefined && error !== null) {
      this.report({ ok: false, error });
    } else if (this.waitsForEmptyEventLoop) {
      this.drain.set(() => this.report({ ok: true, result }));
    } else {
      this.report({ ok: true, result });
    }
  };

  private readonly done = (error?: unknown, result?: unknown): void => {
    if (!this.claim()) return;
    this.report(
      error !== undefined && error !== null
        ? { ok: false, error }
        : { ok: true, result },
    );
  };

  private readonly fail = (error?: unknown): void =>
    // AWS reports a `fail()` without a reason as the string "handled".
    this.done(error ?? "handled");

  private controls(): CompletionControls {
    return {
      succeed: (result) => this.done(null, result),
      fail: this.fail,
      done: this.done,
      getWaitsForEmptyEventLoop: () => this.waitsForEmptyEventLoop,
      setWaitsForEmptyEventLoop: (value) => {
        this.waitsForEmptyEventLoop = value;
      },
    };
  }
}
