import { createHash } from "node:crypto";

/** The runtime identifiers AWS accepts today, in AWS's enum order. */
export const AWS_RUNTIMES = [
  "nodejs",
  "nodejs4.3",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "java8",
  "java8.al2",
  "java11",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet6",
  "dotnet8",
  "nodejs4.3-edge",
  "go1.x",
  "ruby2.5",
  "ruby2.7",
  "provided",
  "provided.al2",
  "nodejs18.x",
  "python3.10",
  "java17",
  "ruby3.2",
  "ruby3.3",
  "ruby3.4",
  "python3.11",
  "nodejs20.x",
  "provided.al2023",
  "python3.12",
  "java21",
  "python3.13",
  "nodejs22.x",
  "nodejs24.x",
  "python3.14",
  "java25",
] as const;

/** Runtimes AWS no longer lets anyone create or update functions with. */
const DEPRECATED = new Set([
  "nodejs",
  "nodejs4.3",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "java8",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet6",
  "nodejs4.3-edge",
  "go1.x",
  "ruby2.5",
  "ruby2.7",
  "provided",
]);

/** The language family of a runtime Lambkin can run. */
export type RuntimeFamily = "nodejs" | "python" | "provided";

/**
 * Runtimes Lambkin runs: the family whose bootstrap serves them, and the
 * language version the runtime names (`20`, `3.12`; none for custom ones).
 */
const RUNNABLE: Record<string, { family: RuntimeFamily; version: string }> = {
  "nodejs18.x": { family: "nodejs", version: "18" },
  "nodejs20.x": { family: "nodejs", version: "20" },
  "nodejs22.x": { family: "nodejs", version: "22" },
  "python3.9": { family: "python", version: "3.9" },
  "python3.10": { family: "python", version: "3.10" },
  "python3.11": { family: "python", version: "3.11" },
  "python3.12": { family: "python", version: "3.12" },
  "python3.13": { family: "python", version: "3.13" },
  "provided.al2": { family: "provided", version: "" },
  "provided.al2023": { family: "provided", version: "" },
};

/** How Lambkin stands with a runtime identifier. */
export type RuntimeSupport =
  | { kind: "runnable"; family: RuntimeFamily; version: string }
  | { kind: "deprecated" }
  | { kind: "not-offered" }
  | { kind: "unknown" };

/** Classifies a runtime identifier from a request. */
export function runtimeSupport(runtime: string): RuntimeSupport {
  const runnable = RUNNABLE[runtime];
  if (runnable) return { kind: "runnable", ...runnable };
  if (DEPRECATED.has(runtime)) return { kind: "deprecated" };
  if ((AWS_RUNTIMES as readonly string[]).includes(runtime))
    return { kind: "not-offered" };
  return { kind: "unknown" };
}

/** Runtimes Lambkin can run, for messages and docs. */
export const RUNNABLE_RUNTIMES = Object.keys(RUNNABLE);

/**
 * The RuntimeVersionArn of a runtime: it names the runtime and the host
 * interpreter that actually runs it, so it changes when the host's does.
 */
export function runtimeVersionArn(region: string, runtime: string): string {
  const digest = createHash("sha256")
    .update(`${runtime}@${process.version}`)
    .digest("hex");
  return `arn:aws:lambda:${region}::runtime:${digest}`;
}
