import path from "node:path";
import { pino } from "pino";
import type { SandboxMode } from "../server/index.js";
import { defaultConfig, startServer } from "../server/index.js";

interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  region: string;
  accountId: string;
  idleTimeout: number;
  concurrency: number;
  logLevel: string;
  sandbox: SandboxMode;
}

/** `lambkin serve`: starts the server and stops it cleanly on SIGINT/SIGTERM. */
export async function serveCommand(options: ServeOptions): Promise<void> {
  const log = pino({ level: options.logLevel }, pino.destination(2));
  const config = {
    ...defaultConfig(),
    host: options.host,
    port: options.port,
    dataDir: path.resolve(options.dataDir),
    region: options.region,
    accountId: options.accountId,
    idleTimeoutSeconds: options.idleTimeout,
    concurrencyLimit: options.concurrency,
    logLevel: options.logLevel,
    sandbox: options.sandbox,
  };
  let server;
  try {
    server = await startServer(config, log);
  } catch (err) {
    const cause =
      (err as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `port ${config.port} is in use; pick another with --port`
        : (err as Error).message;
    process.stderr.write(`lambkin: could not start: ${cause}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      `Lambkin is listening on ${server.url} (data in ${config.dataDir})`,
      `Isolation: ${server.isolation}`,
      // Lambkin checks no signatures, but the AWS CLI will not sign without credentials.
      "Try it:",
      "  AWS_ACCESS_KEY_ID=lambkin AWS_SECRET_ACCESS_KEY=lambkin aws lambda list-functions " +
        `--endpoint-url ${server.url} --region ${config.region}`,
      "",
    ].join("\n"),
  );
  const stop = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}
