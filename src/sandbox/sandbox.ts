import type { Readable } from "node:stream";

/** What to start inside a sandbox, and the limits it should hold to. */
export interface SandboxSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The function's unpacked code, the working directory of the process. */
  codeDir: string;
  memoryMb: number;
}

/** How a sandboxed process ended. */
export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process tree started in a sandbox. */
export interface SandboxedProcess {
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles once the process has exited and its output is drained. */
  readonly exited: Promise<SandboxExit>;
  /** Ends the whole process tree at once. */
  kill(): void;
  /** The highest memory use seen so far, in MB. */
  peakMemoryMb(): number;
}

/** Starts environments' process trees isolated and limited. */
export interface Sandbox {
  /** A one-line account of what isolation is in force, for the startup log. */
  readonly isolation: string;
  start(spec: SandboxSpec): SandboxedProcess;
}
