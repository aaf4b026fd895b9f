/**
 * Runs one pending action when the event loop runs out of work: Node emits
 * `beforeExit`, and whatever the action schedules keeps the process alive.
 */
export class EventLoopDrain {
  private action: (() => void) | undefined;

  constructor(emitter: NodeJS.EventEmitter = process) {
    emitter.on("beforeExit", () => {
      const action = this.action;
      this.action = undefined;
      action?.();
    });
  }

  /** Replaces the pending action; `undefined` cancels it. */
  set(action: (() => void) | undefined): void {
    this.action = action;
  }
}
