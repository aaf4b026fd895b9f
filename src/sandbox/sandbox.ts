import type { Readable, Writable } from "node:stream";

/** Where an environment's folders appear to the processes inside it. */
export interface SandboxPaths {
  /** The function's code, LAMBDA_TASK_ROOT and the working directory. */
  codeDir: string;
  /** The runtime's bootstrap and its files, LAMBDA_RUNTIME_DIR. */
  runtimeDir: string;
  /** The function's layers, merged: /opt. */
  optDir: string;
}

/** What to start inside a sandbox, and the limits it should hold to. */
export interface SandboxSpec {
  /** The interpreter or program to run, a host path (the host's own runtimes run functions). */
  command: string;
  /** Its arguments, naming files by their paths inside the sandbox. */
  args: string[];
  env: Record<string, string>;
  /** Host folders, seen inside as `paths(...)` says. */
  codeDir: string;
  runtimeDir: string;
  /** The merged tree of the function's layers, shown as /opt; absent without layers. */
  layersDir?: string;
  /** A node_modules folder searched after the function's own (the SDK AWS provides). */
  providedModulesDir: string;
  /** Gives the process a pipe on standard input, `SandboxedProcess.stdin`. */
  stdinPipe?: boolean;
  /**
   * Gives the process a pipe on file descriptor 3 for reports of its own to
   * Lambkin, read from `SandboxedProcess.reports`; what it writes there
   * stays out of the function's log.
   */
  reportPipe?: boolean;
  memoryMb: number;
  ephemeralStorageMb: number;
  /**
   * Set for an environment with no network: the host's Unix sockets of its
   * Runtime API and of Lambkin's API, reached inside at OFFLINE_ENDPOINTS.
   */
  offline?: { runtimeApiSocket: string; apiSocket: string };
}

/** Where an environment with no network reaches its Runtime API and Lambkin's API. */
export const OFFLINE_ENDPOINTS = {
  runtimeApi: "127.0.0.1:9001",
  api: "http://127.0.0.1:9002",
} as const;

/** How a sandboxed process ended. */
export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether the sandbox had to kill it for passing its memory limit. */
  outOfMemory: boolean;
}

/** A process tree started in a sandbox. */
export interface SandboxedProcess {
  readonly pid: number;
  /** Set when the spec asked for `stdinPipe`. */
  readonly stdin: Writable | null;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Set when the spec asked for `reportPipe`. */
  readonly reports: Readable | null;
  /** Settles once the process has exited; its output may still be draining. */
  readonly exited: Promise<SandboxExit>;
  /** Ends the whole process tree at once. */
  kill(): void;
  /** The highest memory use seen so far, in MB. */
  peakMemoryMb(): number;
  /** Init is over: from now on the CPU share follows memory, as on Lambda. */
  initFinished(): void;
  /** Stops the whole tree from running until `thaw`, as Lambda does between invocations. */
  freeze(): void;
  thaw(): void;
}

/** Starts environments' process trees isolated and limited. */
export interface Sandbox {
  /** A one-line account of what isolation is in force, for the startup log. */
  readonly isolation: string;
  /** Whether `offline` specs really get no network. */
  readonly isolatesNetwork: boolean;
  /** Where a spec's host folders appear inside this sandbox. */
  paths(
    trees: { codeDir: string; layersDir?: string },
    runtimeDir: string,
  ): SandboxPaths;
  start(spec: SandboxSpec): SandboxedProcess;
}
