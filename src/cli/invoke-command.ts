import { InvokeCommand, LambdaServiceException } from "@aws-sdk/client-lambda";
import { unreachable } from "./cli-error.js";
import { lambdaClient } from "./sdk-client.js";

/** `lambkin invoke`: runs a function once and prints its result and log tail. */
export async function invokeCommand(
  functionName: string,
  options: { payload: string; endpoint: string },
): Promise<void> {
  const result = await lambdaClient(options.endpoint)
    .send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: Buffer.from(options.payload),
        LogType: "Tail",
      }),
    )
    .catch((err: unknown) => {
      // Lambkin's own answers are AWS errors; anything else failed on the way.
      throw err instanceof LambdaServiceException
        ? err
        : unreachable(options.endpoint, err);
    });
  if (result.LogResult) {
    process.stderr.write(
      Buffer.from(result.LogResult, "base64").toString("utf8"),
    );
  }
  process.stdout.write(
    `${Buffer.from(result.Payload ?? []).toString("utf8")}\n`,
  );
  if (result.FunctionError) process.exitCode = 1;
}
