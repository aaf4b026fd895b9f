import type { FunctionRecord } from "../model/index.js";
import { Environment } from "./environment.js";
import type { EnvironmentDeps, FunctionTrees } from "./environment-deps.js";
import type { InvocationRequest, InvocationResult } from "./invocation.js";

/**
 * The environments of one function configuration. Hands out a warm one when
 * it can, starts a new one (a cold start) when all are busy, and shuts down
 * environments that stay idle longer than `idleTimeoutMs`.
 */
export class EnvironmentPool {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly idleTimers = new Map<Environment, NodeJS.Timeout>();
  /** Environments that answered and whose runtime has not yet asked for more. */
  private finishing = 0;
  /** Invocations waiting for a finishing environment instead of a cold start. */
  private readonly waiters: ((environment: Environment | undefined) => void)[] =
    [];
  private retired = false;

  constructor(
    readonly fn: FunctionRecord,
    private readonly trees: FunctionTrees,
    private readonly deps: EnvironmentDeps,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Runs an invocation in a warm environment, or a new one. */
  async invoke(request: InvocationRequest): Promise<InvocationResult> {
    const environment = await this.acquire();
    try {
      return await environment.invoke(request);
    } finally {
      void this.putBack(environment);
    }
  }

  /** How many environments the pool has, by state. */
  counts(): { idle: number; total: number } {
    return { idle: this.idle.length, total: this.all.size };
  }

  /**
   * Stops using this pool: idle environments end now, busy ones when their
   * invocation finishes. Used when the function's code or configuration changes.
   */
  retire(): void {
    this.retired = true;
    for (const environment of [...this.idle]) this.endEnvironment(environment);
  }

  /** Ends every environment, busy or not, and waits for their processes to exit. */
  async shutdown(): Promise<void> {
    this.retired = true;
    const environments = [...this.all];
    for (const environment of environments) this.endEnvironment(environment);
    await Promise.all(environments.map((environment) => environment.exited));
  }

  /**
   * A warm environment; else one that is about to be warm (its runtime is
   * between answering and asking for more), as back-to-back invocations
   * reuse one environment on AWS; else a new one.
   */
  private async acquire(): Promise<Environment> {
    const warm = this.takeWarm();
    if (warm) return warm;
    if (this.finishing > this.waiters.length) {
      const handed = await new Promise<Environment | undefined>((resolve) =>
        this.waiters.push(resolve),
      );
      if (handed) return handed;
    }
    return this.startEnvironment();
  }

  private takeWarm(): Environment | undefined {
    for (
      let environment = this.idle.pop();
      environment;
      environment = this.idle.pop()
    ) {
      clearTimeout(this.idleTimers.get(environment));
      this.idleTimers.delete(environment);
      if (environment.state === "idle") {
        environment.thaw();
        return environment;
      }
      this.all.delete(environment);
    }
    return undefined;
  }

  private async startEnvironment(): Promise<Environment> {
    const environment = await Environment.start(this.fn, this.trees, this.deps);
    this.all.add(environment);
    void environment.exited.then(() => {
      if (environment.state !== "busy") this.endEnvironment(environment);
    });
    this.deps.log.debug(
      { functionName: this.fn.name, logStream: environment.logStreamName },
      "environment started",
    );
    return environment;
  }

  private async putBack(environment: Environment): Promise<void> {
    this.finishing += 1;
    const ready = await environment.readyForNext(this.fn.timeout * 1000);
    this.finishing -= 1;
    const waiter = this.waiters.shift();
    if (!ready || this.retired) {
      this.endEnvironment(environment);
      waiter?.(undefined);
      return;
    }
    if (waiter) {
      waiter(environment);
      return;
    }
    environment.freeze();
    this.idle.push(environment);
    const timer = setTimeout(
      () => this.endEnvironment(environment),
      this.idleTimeoutMs,
    );
    timer.unref();
    this.idleTimers.set(environment, timer);
  }

  private endEnvironment(environment: Environment): void {
    clearTimeout(this.idleTimers.get(environment));
    this.idleTimers.delete(environment);
    const at = this.idle.indexOf(environment);
    if (at >= 0) this.idle.splice(at, 1);
    if (!this.all.delete(environment)) return;
    environment.end();
    this.deps.log.debug(
      { functionName: this.fn.name, logStream: environment.logStreamName },
      "environment ended",
    );
  }
}
