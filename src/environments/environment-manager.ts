import type { FunctionRecord } from "../model/index.js";
import type { EnvironmentDeps, FunctionTrees } from "./environment-deps.js";
import { EnvironmentPool } from "./environment-pool.js";
import type { InvocationRequest, InvocationResult } from "./invocation.js";
import { missingInterpreter } from "./runtime-launchers.js";

/** Where a function's unpacked code, and the /opt tree of its layers, live. */
export type CodeLocator = (fn: FunctionRecord) => FunctionTrees;

/**
 * The pools of all functions. A pool belongs to one revision of a function;
 * a new revision retires the old pool so that no environment runs stale code.
 */
export class EnvironmentManager {
  private readonly pools = new Map<string, EnvironmentPool>();

  constructor(
    private readonly deps: EnvironmentDeps,
    private readonly codeDirOf: CodeLocator,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Runs an invocation of the given revision of a function. */
  invoke(
    fn: FunctionRecord,
    request: InvocationRequest,
  ): Promise<InvocationResult> {
    return this.poolFor(fn).invoke(request);
  }

  /** Why a runtime cannot run on this host (no interpreter), or undefined if it can. */
  runtimeUnavailable(runtime: string): string | undefined {
    return missingInterpreter(runtime);
  }

  /** Retires the environments of a function, after a change or a deletion. */
  retire(functionName: string): void {
    this.pools.get(functionName)?.retire();
    this.pools.delete(functionName);
  }

  /** How many environments a function has, warm and in all. */
  counts(functionName: string): { idle: number; total: number } {
    return this.pools.get(functionName)?.counts() ?? { idle: 0, total: 0 };
  }

  /** Ends every environment. */
  async shutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.shutdown()));
  }

  private poolFor(fn: FunctionRecord): EnvironmentPool {
    const existing = this.pools.get(fn.name);
    if (existing && existing.fn.revisionId === fn.revisionId) return existing;
    existing?.retire();
    const pool = new EnvironmentPool(
      fn,
      this.codeDirOf(fn),
      this.deps,
      this.idleTimeoutMs,
    );
    this.pools.set(fn.name, pool);
    return pool;
  }
}
