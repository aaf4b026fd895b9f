import type { FunctionLogger } from "./function-logger.js";
import { unhandledRejectionError } from "./runtime-errors.js";

/** Posts a crash to the endpoint of the current phase (init or invoke). */
export type CrashReporter = (error: unknown) => Promise<void>;

/** Exit code after an uncaught exception, as AWS's runtime uses. */
export const EXIT_UNCAUGHT_EXCEPTION = 129;

/** Exit code after an unhandled promise rejection, as AWS's runtime uses. */
export const EXIT_UNHANDLED_REJECTION = 128;

/**
 * Turns uncaught exceptions and unhandled rejections into a reported error
 * and a process exit, as AWS does. The reporter is swapped when the phase
 * changes from init to invocations.
 */
export class CrashHandlers {
  /** True once a crash is being reported; the process is about to exit. */
  crashed = false;

  constructor(
    private readonly logger: FunctionLogger,
    private reporter: CrashReporter,
  ) {
    process.on("uncaughtException", (error) => {
      this.logger.logError("Uncaught Exception", error);
      this.crash(error, EXIT_UNCAUGHT_EXCEPTION);
    });
    process.on("unhandledRejection", (reason, promise) => {
      const error = unhandledRejectionError(reason, promise);
      this.logger.logError("Unhandled Promise Rejection", error);
      this.crash(error, EXIT_UNHANDLED_REJECTION);
    });
  }

  /** Routes later crashes to `reporter`. */
  reportTo(reporter: CrashReporter): void {
    this.reporter = reporter;
  }

  private crash(error: unknown, exitCode: number): void {
    this.crashed = true;
    const exit = (): never => process.exit(exitCode);
    this.reporter(error).then(exit, exit);
  }
}
