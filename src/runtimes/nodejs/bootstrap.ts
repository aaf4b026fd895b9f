/**
 * Entry point of the Node.js runtime, run inside an execution environment:
 * loads the function's handler and serves the Runtime API's events with it.
 * Imports only node: built-ins and files of this folder.
 */
import { CrashHandlers, EXIT_UNCAUGHT_EXCEPTION } from "./crash-handlers.js";
import { toErrorResponse } from "./error-format.js";
import { EventLoopDrain } from "./event-loop-drain.js";
import { FunctionLogger } from "./function-logger.js";
import {
  loadHandlerModule,
  locateHandlerModule,
  resolveHandlerFunction,
  type UserHandler,
} from "./handler-loader.js";
import { parseHandlerName } from "./handler-name.js";
import { InvocationLoop } from "./invocation-loop.js";
import { RuntimeApiClient } from "./runtime-client.js";
import {
  readRuntimeEnvironment,
  type RuntimeEnvironment,
} from "./runtime-environment.js";

/** Exit code when the runtime cannot talk to the Runtime API at all. */
const EXIT_RUNTIME_FAILURE = 1;

function stop(error: unknown): never {
  process.stderr.write(`Lambkin Node.js runtime failed: ${String(error)}\n`);
  process.exit(EXIT_RUNTIME_FAILURE);
}

// Limitation: response streaming is not implemented, so the global
// `awslambda.streamifyResponse` AWS provides is absent and such handlers fail.
async function loadHandler(env: RuntimeEnvironment): Promise<UserHandler> {
  const name = parseHandlerName(env.handler);
  const location = locateHandlerModule(env.taskRoot, name);
  if (location.loader === "import") {
    // Only ES modules need the hook, and registering it costs start-up time.
    const { registerEsmNodePathFallback } = await import("./esm-fallback.js");
    registerEsmNodePathFallback(env.nodePath);
  }
  const loaded = await loadHandlerModule(location);
  return resolveHandlerFunction(loaded, name.propertyPath, env.handler);
}

async function main(): Promise<void> {
  // 1. Read settings and route console output into function log records.
  const env = readRuntimeEnvironment(process.env);
  const logger = new FunctionLogger({
    format: env.logFormat,
    minLevel: env.logLevel,
  });
  logger.patchConsole();
  const client = new RuntimeApiClient(env.runtimeApi);

  // 2. Until the loop runs, a crash is an init failure.
  const crashes = new CrashHandlers(logger, (error) =>
    client.postInitError(toErrorResponse(error)),
  );
  const drain = new EventLoopDrain();

  // 3. Load the handler; its module's top-level code runs now.
  let handler: UserHandler;
  try {
    handler = await loadHandler(env);
  } catch (error) {
    logger.logError("Uncaught Exception", error);
    await client.postInitError(toErrorResponse(error)).catch(stop);
    process.exit(EXIT_UNCAUGHT_EXCEPTION);
  }
  // Rejections the module left unhandled surface only after this turn of
  // the event loop; they still belong to init.
  await new Promise((resolve) => setImmediate(resolve));
  if (crashes.crashed) return;

  // 4. Serve events until the environment is shut down.
  const loop = new InvocationLoop({
    client,
    handler,
    env,
    logger,
    drain,
    onFailure: stop,
  });
  crashes.reportTo((error) => loop.reportCrash(error));
  loop.start();
}

main().catch(stop);
