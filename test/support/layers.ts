import {
  PublishLayerVersionCommand,
  type LambdaClient,
  type Runtime,
} from "@aws-sdk/client-lambda";
import { zipFiles } from "./functions.js";

/**
 * Publishes a layer version of in-memory files and returns its ARN; the
 * files named in `executables` are made executable.
 */
export async function publishLayer(
  client: LambdaClient,
  name: string,
  files: Record<string, string>,
  options: { executables?: string[]; CompatibleRuntimes?: Runtime[] } = {},
): Promise<string> {
  const { executables, ...settings } = options;
  const published = await client.send(
    new PublishLayerVersionCommand({
      LayerName: name,
      Content: { ZipFile: zipFiles(files, executables) },
      ...settings,
    }),
  );
  return published.LayerVersionArn!;
}
