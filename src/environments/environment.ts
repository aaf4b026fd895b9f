import { randomBytes } from "node:crypto";
import path from "node:path";
import type { FunctionRecord } from "../model/index.js";
import { LIMITS } from "../model/index.js";
import { formatInitReport, formatReport } from "../observe/index.js";
import type { SandboxExit, SandboxedProcess } from "../sandbox/index.js";
import type { EnvironmentDeps, FunctionTrees } from "./environment-deps.js";
import { environmentSpec } from "./environment-spec.js";
import type {
  InvocationOutcome,
  InvocationRequest,
  InvocationResult,
  LaunchFailure,
} from "./invocation.js";
import { ExtensionsApi, type ShutdownReason } from "./extensions-api.js";
import { captureLines } from "./log-capture.js";
import { EnvironmentLog } from "./environment-log.js";
import { extensionExit } from "./external-extensions.js";
import { platformError, runtimeExitError } from "./platform-errors.js";
import { RuntimeApiServer } from "./runtime-api-server.js";

/** How long SHUTDOWN-subscribed extensions get before an environment is killed. */
const EXTENSION_SHUTDOWN_MS = 2000;

/** The life stages of an environment. */
export type EnvironmentState = "initializing" | "idle" | "busy" | "ended";

type InitResult =
  | { ok: true }
  | { ok: false; outcome: InvocationOutcome }
  | { ok: false; timedOut: true };

type RunStatus = "ok" | "error" | "timeout";

type RunResult = {
  outcome: InvocationOutcome;
  status: RunStatus;
};

/**
 * One execution environment: a sandboxed bootstrap process, its own Runtime
 * API, and its log stream. It runs init once and then one invocation at a time.
 */
export class Environment {
  state: EnvironmentState = "initializing";
  private readonly log: EnvironmentLog;

  /** The name of the environment's log stream. */
  get logStreamName(): string {
    return this.log.streamName;
  }
  private readonly initDone: Promise<InitResult>;
  private readonly startedAt = performance.now();
  private initDurationMs?: number;
  private pendingOutcome?: (outcome: InvocationOutcome) => void;
  private process!: SandboxedProcess;
  private exit?: SandboxExit;
  private currentRequestId?: string;
  /** Set while the runtime has an invocation and has not asked for the next one. */
  private awaitingNext = false;
  /** The external extensions in the function's /opt/extensions, started before the runtime. */
  private expectedExtensions = 0;
  /**
   * Why the environment's processes cannot start, or had to be ended, when
   * that is not the runtime's own exit: AWS then reports this instead.
   */
  private fatal?: LaunchFailure;
  private readonly nextWaiters: ((ready: boolean) => void)[] = [];
  /** Settles once the invocation in progress is over for its extensions too. */
  private finishing: Promise<void> = Promise.resolve();

  private constructor(
    readonly fn: FunctionRecord,
    private readonly deps: EnvironmentDeps,
    private readonly api: RuntimeApiServer,
    private readonly extensions: ExtensionsApi,
    resolveInit: { promise: Promise<InitResult> },
  ) {
    this.log = new EnvironmentLog(
      fn.name,
      "$LATEST",
      deps.logWriter,
      deps.maxLogBytesPerInvocation,
    );
    this.initDone = resolveInit.promise;
  }

  /** Starts an environment for a function whose code is unpacked in `trees`. */
  static async start(
    fn: FunctionRecord,
    trees: FunctionTrees,
    deps: EnvironmentDeps,
  ) {
    let settleInit!: (result: InitResult) => void;
    const init = {
      promise: new Promise<InitResult>((resolve) => (settleInit = resolve)),
    };
    let environment: Environment | undefined;
    // A function in a VPC gets no network; its Runtime API is a Unix socket
    // that the sandbox forwards to a port inside.
    const offline = fn.vpcConfig !== undefined && deps.sandbox.isolatesNetwork;
    const extensions = new ExtensionsApi(
      {
        functionName: fn.name,
        functionVersion: "$LATEST",
        handler: fn.handler,
      },
      {
        onRegistered: (count) => environment?.onExtensionRegistered(count),
        onInitError: (outcome) => settleInit({ ok: false, outcome }),
      },
    );
    const api = await RuntimeApiServer.listen(
      {
        onNext: () => environment?.onNext(settleInit),
        onOutcome: (outcome) => environment?.pendingOutcome?.(outcome),
        onInitError: (outcome) => settleInit({ ok: false, outcome }),
      },
      extensions,
      offline
        ? path.join(deps.socketDir, `${randomBytes(8).toString("hex")}.sock`)
        : undefined,
    );
    environment = new Environment(fn, deps, api, extensions, init);
    environment.launch(trees, settleInit);
    return environment;
  }

  /** Runs one invocation, waiting for init first on a cold start. */
  async invoke(request: InvocationRequest): Promise<InvocationResult> {
    // 1. A cold environment finishes init before it takes the event. As on
    // AWS, init gets 10 s of its own; an init that takes longer is run again
    // within the invocation's timeout there, so here its whole time is charged
    // to the invocation, and it may take no longer than the timeout.
    this.currentRequestId = request.requestId;
    const coldStart = this.initDurationMs === undefined;
    const timeoutMs = this.fn.timeout * 1000;
    const init = await this.awaitInit(
      Math.max(LIMITS.initTimeoutMs, timeoutMs),
    );
    const initChargedMs =
      coldStart && (this.initDurationMs ?? 0) > LIMITS.initTimeoutMs
        ? (this.initDurationMs ?? 0)
        : 0;
    this.state = "busy";
    const lines = this.log.startInvocation();
    const started = performance.now();
    if (!init.ok) {
      this.log.write(
        formatInitReport({
          durationMs: this.initDurationMs ?? 0,
          errorType:
            "outcome" in init
              ? (init.outcome.errorType ?? "Runtime.Unknown")
              : undefined,
        }),
      );
    }
    this.log.write(`START RequestId: ${request.requestId} Version: $LATEST`);
    // 2. Hand the event to the runtime, and wait for its answer, its exit or the deadline.
    const budgetMs = timeoutMs - initChargedMs;
    const deadline = started + budgetMs;
    const { outcome, status }: RunResult = init.ok
      ? await this.runInvocation(request, budgetMs)
      : "timedOut" in init
        ? this.timedOut(request)
        : { outcome: init.outcome, status: "error" };
    const answeredMs = performance.now() - started;
    // 3. The caller has its answer; the invocation is over once the extensions
    // that took it are done too, within the same deadline, as on AWS.
    const extensionsBusy = status === "ok" && !this.extensions.idle();
    this.finishing = this.finish(request, status, deadline, {
      started,
      coldStart,
      initOk: init.ok,
      errorType: outcome.errorType,
    });
    if (!extensionsBusy) await this.finishing;
    return {
      ...outcome,
      logLines: lines,
      durationMs: status === "timeout" ? timeoutMs : answeredMs,
      initDurationMs: coldStart ? this.initDurationMs : undefined,
    };
  }

  /** Waits for the extensions, writes END and REPORT, and frees or ends the environment. */
  private async finish(
    request: InvocationRequest,
    answered: RunStatus,
    deadline: number,
    invocation: {
      started: number;
      coldStart: boolean;
      initOk: boolean;
      errorType?: string;
    },
  ): Promise<void> {
    const { started, coldStart, initOk } = invocation;
    let status = answered;
    if (status === "ok" && !(await this.extensionsDone(deadline))) {
      status = this.timedOut(request).status;
    }
    // An extension that crashed after the runtime answered ends it all.
    if (status === "ok" && this.exit) status = "error";
    // A timed-out invocation lasted, and is billed for, exactly its timeout.
    const durationMs =
      status === "timeout"
        ? this.fn.timeout * 1000
        : performance.now() - started;
    // Let output already written by the function reach the log before END.
    await drainOutput();
    this.log.write(`END RequestId: ${request.requestId}`);
    this.log.write(
      formatReport({
        requestId: request.requestId,
        durationMs,
        memorySizeMb: this.fn.memorySize,
        maxMemoryUsedMb: this.process.peakMemoryMb(),
        // A failed init reports its duration in INIT_REPORT instead, as on AWS.
        initDurationMs: coldStart && initOk ? this.initDurationMs : undefined,
        status: status === "ok" ? undefined : status,
        errorType:
          status === "error"
            ? (invocation.errorType ?? this.fatal?.errorType)
            : undefined,
      }),
    );
    this.log.endInvocation();
    this.api.release();
    // An environment that timed out, crashed or failed init is not reused.
    if (status === "ok") this.state = "idle";
    else this.end(status === "timeout" ? "timeout" : "failure");
  }

  /**
   * Settles true once every extension has asked for its next event (or the
   * processes have ended), false if the deadline (performance time) passes.
   */
  private extensionsDone(deadline: number): Promise<boolean> {
    return Promise.race([
      this.extensions.idleWithin(deadline - performance.now()),
      this.process.exited.then(() => true),
    ]);
  }

  /**
   * Ends the environment and its whole process tree. Extensions subscribed
   * to SHUTDOWN get the event first, and up to 2 s to finish with it.
   */
  end(reason: ShutdownReason = "spindown"): void {
    if (this.state === "ended") return;
    this.state = "ended";
    const kill = () => {
      this.process.kill();
      this.api.close();
      this.log.flush();
    };
    this.process.thaw();
    const deadlineMs = Date.now() + EXTENSION_SHUTDOWN_MS;
    if (this.exit || !this.extensions.shutdown(reason, deadlineMs))
      return kill();
    // Extensions are done once each has asked for its next event or ended.
    void Promise.race([
      this.extensions.idleWithin(EXTENSION_SHUTDOWN_MS),
      this.process.exited,
    ]).then(kill);
  }

  /**
   * Settles true once the runtime has asked for its next event, false if the
   * environment ends or `limitMs` passes first. Node's runtime, for one, exits
   * right after it reports an uncaught exception, so an environment is reused
   * only when its runtime says it is ready.
   */
  async readyForNext(limitMs: number): Promise<boolean> {
    await this.finishing;
    if (this.state !== "idle") return false;
    if (!this.awaitingNext) return true;
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => this.nextWaiters.push(resolve)),
      new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(false), limitMs)),
      ),
    ]);
    clearTimeout(timer);
    return ready && this.state === "idle";
  }

  /** Stops the environment's processes between invocations, as Lambda does. */
  freeze(): void {
    if (this.state === "idle") this.process.freeze();
  }

  /** Lets a frozen environment run again, before it takes an invocation. */
  thaw(): void {
    this.process.thaw();
  }

  /** Settles once the environment's process has exited. */
  get exited(): Promise<SandboxExit> {
    return this.process.exited;
  }

  private launch(
    trees: FunctionTrees,
    settleInit: (result: InitResult) => void,
  ): void {
    const { launch, plan, sandbox, offline } = environmentSpec(
      this.fn,
      trees,
      this.deps,
      this.api.address,
      this.log.streamName,
    );
    this.log.write(launch.initStartLine);
    for (const notice of launch.notices) this.log.write(notice);
    if (this.fn.vpcConfig && !offline) {
      this.log.write(
        "Lambkin: this function is attached to a VPC, but the process-only sandbox " +
          "cannot take its network away; it reaches the network.",
      );
    }
    this.expectedExtensions = plan.extensions.length;
    this.fatal = plan.failure;
    this.process = this.deps.sandbox.start(sandbox);
    captureLines(this.process.stdout, (line) => this.log.writeOutput(line));
    captureLines(this.process.stderr, (line) => this.log.writeOutput(line));
    if (this.process.reports) {
      captureLines(this.process.reports, (report) => {
        const exit = extensionExit(report, plan.extensions);
        if (exit) this.onExtensionExit(exit);
      });
    }
    void this.process.exited.then((exit) => {
      this.exit = exit;
      const requestId = this.currentRequestId ?? "";
      const { errorType, errorMessage } = this.endError(requestId, exit);
      settleInit({
        ok: false,
        outcome: platformError(errorType, errorMessage),
      });
      this.failPendingWithExit(requestId, exit);
      for (const waiter of this.nextWaiters.splice(0)) waiter(false);
      if (this.state !== "busy") this.end();
    });
  }

  /**
   * An external extension ended. While the environment shuts down, that is
   * an extension done with SHUTDOWN; at any other time Lambda takes it for a
   * crash and resets the environment, failing the init or the invocation.
   */
  private onExtensionExit(exit: { name: string; reason: string }): void {
    if (this.state === "ended") {
      this.extensions.exited(exit.name);
      return;
    }
    this.fatal ??= { errorType: "Extension.Crash", reason: exit.reason };
    this.process.kill();
  }

  /** Once every external extension has registered, the runtime may start. */
  private onExtensionRegistered(count: number): void {
    if (count === this.expectedExtensions) this.process.stdin?.end("\n");
  }

  private onNext(settleInit: (result: InitResult) => void): void {
    // Init is over once the runtime and every extension wait for an event.
    if (this.initDurationMs === undefined) {
      void this.extensions.whenIdle().then(() => {
        if (this.initDurationMs !== undefined) return;
        this.initDurationMs = performance.now() - this.startedAt;
        this.extensions.closeRegistration();
        for (const line of this.extensions.readyLines()) this.log.write(line);
        this.process.initFinished();
        settleInit({ ok: true });
      });
    }
    this.awaitingNext = false;
    for (const waiter of this.nextWaiters.splice(0)) waiter(true);
  }

  private async awaitInit(limitMs: number): Promise<InitResult> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InitResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, timedOut: true }), limitMs);
    });
    const result = await Promise.race([this.initDone, timedOut]);
    clearTimeout(timer);
    if (this.initDurationMs === undefined)
      this.initDurationMs = performance.now() - this.startedAt;
    return result;
  }

  private async runInvocation(
    request: InvocationRequest,
    budgetMs: number,
  ): Promise<RunResult> {
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<InvocationOutcome>((resolve) => {
      this.pendingOutcome = (outcome) => {
        this.pendingOutcome = undefined;
        resolve(outcome);
      };
    });
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, budgetMs));
    });
    const deadlineMs = Date.now() + budgetMs;
    if (this.exit) this.failPendingWithExit(request.requestId, this.exit);
    else {
      this.awaitingNext = true;
      this.api.assign(request, deadlineMs);
      this.extensions.invoke({ ...request, deadlineMs });
    }
    // The peak is read while the process lives: an exit takes it along.
    this.process.peakMemoryMb();
    const sampler = setInterval(() => this.process.peakMemoryMb(), 100);
    const first = await Promise.race([answered, timedOut]);
    clearInterval(sampler);
    clearTimeout(timer);
    this.pendingOutcome = undefined;
    this.currentRequestId = undefined;
    if (first === "timeout") return this.timedOut(request);
    return { outcome: first, status: this.exit ? "error" : "ok" };
  }

  /**
   * Ends the invocation waiting for an answer, if any, with the error AWS
   * reports when the runtime exits, and logs it as AWS does.
   */
  private failPendingWithExit(requestId: string, exit: SandboxExit): void {
    const answer = this.pendingOutcome;
    if (!answer) return;
    const { errorType, errorMessage } = this.endError(requestId, exit);
    this.log.write(errorMessage);
    this.log.write(errorType);
    answer(platformError(errorType, errorMessage));
  }

  /** The error AWS reports when the environment's processes have ended. */
  private endError(
    requestId: string,
    exit: SandboxExit,
  ): { errorType: string; errorMessage: string } {
    if (!this.fatal) return runtimeExitError(requestId, exit);
    return {
      errorType: this.fatal.errorType,
      errorMessage: `RequestId: ${requestId} Error: ${this.fatal.reason}`,
    };
  }

  /** AWS's timeout: a log line, and the error the caller receives. */
  private timedOut(request: InvocationRequest): RunResult {
    const message = `Task timed out after ${this.fn.timeout.toFixed(2)} seconds`;
    this.log.write(
      `${new Date().toISOString()} ${request.requestId} ${message}`,
    );
    return {
      outcome: platformError(
        "Sandbox.Timedout",
        `RequestId: ${request.requestId} Error: ${message}`,
      ),
      status: "timeout",
    };
  }
}

/** Waits two turns of the event loop so that output in the pipes is read. */
async function drainOutput(): Promise<void> {
  for (let turn = 0; turn < 2; turn++)
    await new Promise((resolve) => setImmediate(resolve));
}
