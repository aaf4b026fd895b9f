import { chmodSync, mkdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Logger } from "pino";
import { apiRoutes } from "../api/index.js";
import { EventQueueWorker } from "../async/index.js";
import {
  EnvironmentManager,
  prepareProvidedModules,
} from "../environments/index.js";
import { Invoker } from "../invoke/index.js";
import { LIMITS, type Region } from "../model/index.js";
import { LogWriter } from "../observe/index.js";
import { selectSandbox } from "../sandbox/index.js";
import { CodeStore, openSqliteStore } from "../store/index.js";
import type { ServerConfig } from "./config.js";
import { createFrontDoor } from "./front-door.js";

/** A running Lambkin server. */
export interface RunningServer {
  /** The base URL the API answers at, e.g. `http://127.0.0.1:9075`. */
  url: string;
  /** One line on the isolation environments run under. */
  isolation: string;
  /** Stops accepting requests, ends every environment and closes the store. */
  close(): Promise<void>;
}

/** Credentials handed to functions; Lambkin does not check signatures. */
const FUNCTION_CREDENTIALS = {
  accessKeyId: "LAMBKINFUNCTIONKEY00",
  secretAccessKey: "lambkin-function-secret-access-key",
  sessionToken: "lambkin-function-session-token",
};

/**
 * Starts the embedded default: one process, SQLite and a code store under the
 * data directory, environments as sandboxed child processes.
 */
export async function startServer(
  config: ServerConfig,
  log: Logger,
): Promise<RunningServer> {
  // 1. Storage: the SQLite file and the content-addressed code store.
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore(path.join(config.dataDir, "lambkin.db"));
  const codeStore = new CodeStore(
    path.join(config.dataDir, "code"),
    LIMITS.unzippedCodeMaxBytes,
  );
  const where: Region = { region: config.region, accountId: config.accountId };
  let baseUrl = "";

  // 2. The invocation path: sandbox, environments, invoker.
  const sandbox = selectSandbox(config.sandbox, config.dataDir);
  const logWriter = new LogWriter(store.logs);
  // Sockets for environments with no network, made afresh at each start.
  const socketDir = path.join(config.dataDir, "sockets");
  rmSync(socketDir, { recursive: true, force: true });
  mkdirSync(socketDir, { recursive: true });
  // The endpoint is known once the server listens; environments read it at launch.
  const platform = {
    apiEndpoint: "",
    apiSocket: path.join(socketDir, "api.sock"),
    credentials: FUNCTION_CREDENTIALS,
  };
  // The SDK functions import without bundling, apart from Lambkin's own packages.
  const providedModulesDir = await prepareProvidedModules(
    path.join(config.dataDir, "runtime"),
  );
  const environments = new EnvironmentManager(
    {
      sandbox,
      logWriter,
      log,
      where,
      platform,
      socketDir,
      maxLogBytesPerInvocation: config.maxLogBytesPerInvocation,
      providedModulesDir,
    },
    (fn) => ({
      codeDir: codeStore.treeDir(fn.code.sha256Hex),
      layersDir: fn.layers
        ? codeStore.layersTreeDir(fn.layers.map((layer) => layer.sha256Hex))
        : undefined,
    }),
    config.idleTimeoutSeconds * 1000,
  );
  const invoker = new Invoker(
    store,
    environments,
    where,
    config.concurrencyLimit,
    log,
  );

  // 3. The front door, on its port and on a socket for offline environments.
  const routes = apiRoutes({
    store,
    codeStore,
    invoker,
    environments,
    where,
    baseUrl: () => baseUrl,
    concurrencyLimit: config.concurrencyLimit,
  });
  const server = createFrontDoor(routes, log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const socketServer = createFrontDoor(routes, log);
  await new Promise<void>((resolve) =>
    socketServer.listen(platform.apiSocket, resolve),
  );
  chmodSync(platform.apiSocket, 0o666);
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${config.host}:${port}`;
  platform.apiEndpoint = baseUrl;

  // 4. The background worker for queued Event invocations.
  const worker = new EventQueueWorker(
    store.events,
    invoker,
    config.asyncConcurrency,
    { throttleRetryMs: 1000, pollIntervalMs: 1000 },
    log,
  );
  worker.start();
  log.info(
    { url: baseUrl, dataDir: config.dataDir, isolation: sandbox.isolation },
    "lambkin ready",
  );

  return {
    url: baseUrl,
    isolation: sandbox.isolation,
    close: async () => {
      const drained = worker.stop();
      for (const listener of [server, socketServer]) {
        listener.close();
        listener.closeAllConnections();
      }
      await environments.shutdown();
      await drained;
      logWriter.flush();
      store.close();
    },
  };
}
