#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_PORT } from "../server/index.js";
import { invokeCommand } from "./invoke-command.js";
import { logsCommand } from "./logs-command.js";
import { serveCommand } from "./serve-command.js";

const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError("expected a whole number");
  }
  return parsed;
}

const program = new Command("lambkin")
  .description("Run AWS Lambda functions unchanged on your own Linux machines")
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
  .option("--log-level <level>", "trace, debug, info, warn or error", "info")
  .action(serveCommand);

program
  .command("invoke <function>")
  .description("invoke a function and print its result")
  .option("--payload <json>", "the event, as JSON", "{}")
  .option("--endpoint <url>", "the Lambkin server", DEFAULT_ENDPOINT)
  .action(invokeCommand);

program
  .command("logs <function>")
  .description("print a function's log (/aws/lambda/<function>)")
  .option("-f, --follow", "keep printing new lines as they arrive")
  .option("--endpoint <url>", "the Lambkin server", DEFAULT_ENDPOINT)
  .action(logsCommand);

await program.parseAsync();
