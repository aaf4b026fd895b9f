#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { LambdaServiceException } from "@aws-sdk/client-lambda";
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_PORT } from "../server/index.js";
import { CliError } from "./cli-error.js";
import { invokeCommand } from "./invoke-command.js";
import { logsCommand } from "./logs-command.js";
import { serveCommand } from "./serve-command.js";

const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;
const LOG_LEVELS = ["trace", "debug", "info", "warn", "error"];

// Compiled to dist/src/cli/, three folders below package.json.
const { version } = JSON.parse(
  readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
) as { version: string };

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError("expected a whole number");
  }
  return parsed;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) {
    throw new InvalidArgumentError("expected exactly 12 digits");
  }
  return value;
}

/** An --endpoint without trailing slashes, as paths are appended to it. */
const endpoint = (value: string): string => value.replace(/\/+$/, "");

/** One line for a failure the user can act on; a stack only for Lambkin's own faults. */
function describeFailure(err: unknown): string {
  if (err instanceof LambdaServiceException)
    return `${err.name}: ${err.message}`;
  if (err instanceof CliError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

const program = new Command("lambkin")
  .description("Run AWS Lambda functions unchanged on your own Linux machines")
  .version(version)
  .showHelpAfterError();

program
  .command("serve")
  .description(
    "start the Lambkin server (embedded default: SQLite and local disk)",
  )
  .option(
    "--port <port>",
    "port to listen on (0 picks a free one)",
    integer,
    DEFAULT_PORT,
  )
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option(
    "--data-dir <dir>",
    "where functions, code and logs are kept",
    ".lambkin",
  )
  .option("--region <region>", "the AWS region Lambkin presents", "us-east-1")
  .option(
    "--account-id <id>",
    "the 12-digit account id in ARNs",
    accountId,
    "000000000000",
  )
  .option(
    "--idle-timeout <seconds>",
    "shut down environments idle this long",
    integer,
    300,
  )
  .option(
    "--concurrency <n>",
    "invocations running at once, all functions",
    integer,
    1000,
  )
  .addOption(
    new Option("--log-level <level>", "how much Lambkin logs on stderr")
      .choices(LOG_LEVELS)
      .default("info"),
  )
  .addOption(
    new Option(
      "--sandbox <mode>",
      "isolate environments (namespaces, cgroups; needs root) or run them as plain processes",
    )
      .choices(["auto", "isolated", "process"])
      .default("auto"),
  )
  .action(serveCommand);

program
  .command("invoke <function>")
  .description("invoke a function and print its result")
  .option("--payload <json>", "the event, as JSON", "{}")
  .option("--endpoint <url>", "the Lambkin server", endpoint, DEFAULT_ENDPOINT)
  .action(invokeCommand);

program
  .command("logs <function>")
  .description("print a function's log (/aws/lambda/<function>)")
  .option("-f, --follow", "keep printing new lines as they arrive")
  .option("--endpoint <url>", "the Lambkin server", endpoint, DEFAULT_ENDPOINT)
  .action(logsCommand);

try {
  await program.parseAsync();
} catch (err) {
  process.stderr.write(`lambkin: ${describeFailure(err)}\n`);
  process.exitCode = 1;
}
