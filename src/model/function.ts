import { functionArn, logGroupName, type Region } from "./arn.js";
import type { CodeRecord } from "./code.js";
import type { FunctionLayer } from "./layer.js";
import { runtimeVersionArn } from "./runtimes.js";

/** The stored state of a function's `$LATEST`. */
export interface FunctionRecord {
  name: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  ephemeralStorage: number;
  architectures: string[];
  environment?: Record<string, string>;
  /** Set when the function is attached to a VPC: its environments get no network. */
  vpcConfig?: VpcConfig;
  tags?: Record<string, string>;
  code: CodeRecord;
  /** The layer versions unpacked into /opt, in order; absent when there are none. */
  layers?: FunctionLayer[];
  revisionId: string;
  lastModified: string;
}

/** The subnets and security groups of a function attached to a VPC. */
export interface VpcConfig {
  subnetIds: string[];
  securityGroupIds: string[];
}

/** How a FunctionConfiguration is being shown. */
export type ConfigurationView =
  "after-create" | "after-update" | "current" | "list-item";

/** The FunctionConfiguration shape AWS returns for a function. */
export function toFunctionConfiguration(
  fn: FunctionRecord,
  where: Region,
  view: ConfigurationView,
): Record<string, unknown> {
  const configuration: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: functionArn(where, fn.name),
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.code.size,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.code.sha256,
    Version: "$LATEST",
    ...(fn.environment ? { Environment: { Variables: fn.environment } } : {}),
    ...(fn.vpcConfig
      ? {
          VpcConfig: {
            SubnetIds: fn.vpcConfig.subnetIds,
            SecurityGroupIds: fn.vpcConfig.securityGroupIds,
            // Limitation: Lambkin has no VPCs; this id only says the function is attached.
            VpcId: "vpc-lambkin",
            Ipv6AllowedForDualStack: false,
          },
        }
      : {}),
    TracingConfig: { Mode: "PassThrough" },
    ...(fn.layers?.length
      ? {
          Layers: fn.layers.map((layer) => ({
            Arn: layer.arn,
            CodeSize: layer.codeSize,
          })),
        }
      : {}),
    RevisionId: fn.revisionId,
    PackageType: "Zip",
    Architectures: fn.architectures,
    EphemeralStorage: { Size: fn.ephemeralStorage },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: logGroupName(fn.name) },
  };
  if (view !== "list-item") {
    configuration.RuntimeVersionConfig = {
      RuntimeVersionArn: runtimeVersionArn(where.region, fn.runtime),
    };
  }
  return { ...configuration, ...stateFields(view) };
}

/**
 * Lambkin is ready as soon as a create or update returns, but like AWS it
 * reports Pending/InProgress in that response so that clients call waiters.
 */
function stateFields(view: ConfigurationView): Record<string, string> {
  switch (view) {
    case "after-create":
      return {
        State: "Pending",
        StateReason: "The function is being created.",
        StateReasonCode: "Creating",
      };
    case "after-update":
      return {
        State: "Active",
        LastUpdateStatus: "InProgress",
        LastUpdateStatusReason: "The function is being created.",
        LastUpdateStatusReasonCode: "Creating",
      };
    case "current":
      return { State: "Active", LastUpdateStatus: "Successful" };
    case "list-item":
      return {};
  }
}

/** The timestamp format of LastModified: `2024-11-24T23:08:09.123+0000`. */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+0000");
}
