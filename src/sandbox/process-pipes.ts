import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { SandboxSpec } from "./sandbox.js";

/** A sandboxed process's pipes, as its spec asked for them. */
export interface ProcessPipes {
  stdin: Writable | null;
  stdout: Readable;
  stderr: Readable;
  reports: Readable | null;
}

/** `spawn`'s stdio for a spec: stdin, stdout and stderr, and fd 3 when reports are wanted. */
export function stdioFor(spec: SandboxSpec): "pipe" | "pipe"[] {
  return spec.reportPipe ? ["pipe", "pipe", "pipe", "pipe"] : "pipe";
}

/**
 * Readies a just-spawned child's pipes: standard input reads as empty
 * unless the spec wants to write to it, and no pipe error (or a failed
 * spawn's 'error' event, which would end Lambkin) goes unhandled.
 */
export function pipesOf(child: ChildProcess, spec: SandboxSpec): ProcessPipes {
  child.once("error", () => undefined);
  const stdin = child.stdin!;
  stdin.on("error", () => undefined);
  if (!spec.stdinPipe) stdin.end();
  return {
    stdin: spec.stdinPipe ? stdin : null,
    stdout: child.stdout!,
    stderr: child.stderr!,
    reports: spec.reportPipe ? (child.stdio[3] as Readable) : null,
  };
}

/** Stops reading a killed process's output pipes, which its orphans may hold open. */
export function closePipes(pipes: ProcessPipes): void {
  pipes.stdout.destroy();
  pipes.stderr.destroy();
  pipes.reports?.destroy();
}
