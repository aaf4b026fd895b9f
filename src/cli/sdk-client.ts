import { LambdaClient } from "@aws-sdk/client-lambda";

/**
 * A Lambda client for a Lambkin endpoint. Lambkin does not check signatures,
 * so placeholder credentials stand in when none are configured.
 */
export function lambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({
    endpoint,
    region: process.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "lambkin",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "lambkin",
    },
  });
}
