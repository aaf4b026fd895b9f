import {
  accessDenied,
  constraintViolation,
  invalidParameterValue,
  resourceNotFound,
  validation,
} from "./errors.js";
import {
  FUNCTION_NAME_CONSTRAINT,
  parseFunctionReference,
  type FunctionReference,
  type Region,
} from "./arn.js";
import type { VpcConfig } from "./function.js";
import { LIMITS } from "./limits.js";
import { AWS_RUNTIMES, RUNNABLE_RUNTIMES, runtimeSupport } from "./runtimes.js";
import { RESERVED_ENVIRONMENT_KEYS } from "./environment-variables.js";

/** The settings a CreateFunction or UpdateFunctionConfiguration may carry. */
export interface FunctionSettings {
  runtime?: string;
  role?: string;
  handler?: string;
  description?: string;
  timeout?: number;
  memorySize?: number;
  ephemeralStorage?: number;
  architectures?: string[];
  environment?: Record<string, string>;
  /** Null when the request detaches the function from its VPC. */
  vpcConfig?: VpcConfig | null;
}

const ROLE_PATTERN =
  "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
const ENV_KEY_PATTERN = "[a-zA-Z]([a-zA-Z0-9_])+";

/** Fails unless a required member is present. */
export function requireMember(value: unknown, member: string): void {
  if (value === undefined || value === null) {
    throw validation(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: ` +
        "Member must not be null",
    );
  }
}

/**
 * Checks a FunctionName parameter and returns the plain name and qualifier.
 * `maxLength` is 140 for operations on the unqualified function, 256 otherwise;
 * an ARN must name the region and account `where` this server presents.
 */
export function checkFunctionName(
  value: unknown,
  maxLength: 140 | 256,
  where: Region,
): { name: string; qualifier?: string } {
  const raw = checkString(value, "functionName");
  if (raw.length > maxLength) {
    throw constraintViolation(
      raw,
      "functionName",
      `Member must have length less than or equal to ${maxLength}`,
    );
  }
  const reference = parseFunctionReference(raw);
  if (!reference)
    throw constraintViolation(raw, "functionName", FUNCTION_NAME_CONSTRAINT);
  if (reference.name.length > 64) {
    throw invalidParameterValue(
      `1 validation error detected: Value '${reference.name}' at 'functionName' ` +
        "failed to satisfy constraint: Member must have length less than or equal to 64",
    );
  }
  checkReachable(reference, where);
  return { name: reference.name, qualifier: reference.qualifier };
}

function checkReachable(reference: FunctionReference, where: Region): void {
  if (reference.region !== undefined && reference.region !== where.region) {
    throw resourceNotFound(
      `Functions from '${reference.region}' are not reachable in this region ('${where.region}')`,
    );
  }
  if (
    reference.accountId !== undefined &&
    reference.accountId !== where.accountId
  ) {
    // Our wording: AWS's answer to this has no recorded message.
    throw accessDenied(
      `Functions of account '${reference.accountId}' are not reachable from this account ` +
        `('${where.accountId}')`,
    );
  }
}

/** Validates the settings members of a request body and returns them typed. */
export function checkFunctionSettings(
  body: Record<string, unknown>,
): FunctionSettings {
  const settings: FunctionSettings = {};
  if (body.Runtime !== undefined) settings.runtime = checkRuntime(body.Runtime);
  if (body.Role !== undefined) settings.role = checkRole(body.Role);
  if (body.Handler !== undefined) settings.handler = checkHandler(body.Handler);
  if (body.Description !== undefined) {
    settings.description = checkString(body.Description, "description");
    if (settings.description.length > LIMITS.descriptionMaxLength) {
      throw constraintViolation(
        settings.description,
        "description",
        `Member must have length less than or equal to ${LIMITS.descriptionMaxLength}`,
      );
    }
  }
  if (body.Timeout !== undefined) {
    settings.timeout = checkRange(
      body.Timeout,
      "timeout",
      LIMITS.timeoutMinSeconds,
      LIMITS.timeoutMaxSeconds,
    );
  }
  if (body.MemorySize !== undefined) {
    settings.memorySize = checkRange(
      body.MemorySize,
      "memorySize",
      LIMITS.memoryMinMb,
      LIMITS.memoryMaxMb,
    );
  }
  if (body.EphemeralStorage !== undefined) {
    const storage = checkObject(body.EphemeralStorage, "ephemeralStorage");
    requireMember(storage.Size, "ephemeralStorage.size");
    settings.ephemeralStorage = checkRange(
      storage.Size,
      "ephemeralStorage.size",
      LIMITS.ephemeralStorageMinMb,
      LIMITS.ephemeralStorageMaxMb,
    );
  }
  if (body.Architectures !== undefined) {
    settings.architectures = checkArchitectures(body.Architectures);
  }
  if (body.Environment !== undefined) {
    settings.environment = checkEnvironment(body.Environment);
  }
  if (body.VpcConfig !== undefined) {
    settings.vpcConfig = checkVpcConfig(body.VpcConfig);
  }
  return settings;
}

/** A VpcConfig; empty subnet lists detach the function, as on AWS. */
function checkVpcConfig(value: unknown): VpcConfig | null {
  const config = checkObject(value, "vpcConfig");
  const ids = (member: string, key: string) => {
    const list =
      config[key] === undefined ? [] : checkList(config[key], member);
    if (list.some((id) => typeof id !== "string")) {
      throw typeMismatch(list, member, "a list of strings");
    }
    return list as string[];
  };
  const subnetIds = ids("vpcConfig.subnetIds", "SubnetIds");
  const securityGroupIds = ids(
    "vpcConfig.securityGroupIds",
    "SecurityGroupIds",
  );
  return subnetIds.length === 0 ? null : { subnetIds, securityGroupIds };
}

/** Checks that Tags is a map of string to string. */
export function checkTags(value: unknown): Record<string, string> {
  return checkStringMap(value, "tags");
}

// AWS refuses a member of the wrong JSON type before it validates constraints,
// in words we have no record of: the "Member must be ..." texts are our own.
function typeMismatch(value: unknown, member: string, expected: string) {
  return constraintViolation(
    shown(value),
    member,
    `Member must be ${expected}`,
  );
}

/** A value as validation messages quote it; lists as AWS writes them, `[a, b]`. */
export function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return JSON.stringify(value);
}

export function checkString(value: unknown, member: string): string {
  if (typeof value !== "string") throw typeMismatch(value, member, "a string");
  return value;
}

export function checkList(value: unknown, member: string): unknown[] {
  if (!Array.isArray(value)) throw typeMismatch(value, member, "a list");
  return value;
}

function checkObject(
  value: unknown,
  member: string,
  expected = "an object",
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw typeMismatch(value, member, expected);
  }
  return value as Record<string, unknown>;
}

/** Checks a map of string to string; its values go unquoted, as they may be secrets. */
function checkStringMap(
  value: unknown,
  member: string,
): Record<string, string> {
  const map = checkObject(value, member, "a map of string to string");
  if (Object.values(map).some((entry) => typeof entry !== "string")) {
    throw validation(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: ` +
        "Map value must satisfy constraint: [Member must be a string]",
    );
  }
  return map as Record<string, string>;
}

function checkRange(
  value: unknown,
  member: string,
  min: number,
  max: number,
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw typeMismatch(value, member, "an integer");
  }
  if (value < min) {
    throw constraintViolation(
      String(value),
      member,
      `Member must have value greater than or equal to ${min}`,
    );
  }
  if (value > max) {
    throw constraintViolation(
      String(value),
      member,
      `Member must have value less than or equal to ${max}`,
    );
  }
  return value;
}

function checkRuntime(value: unknown): string {
  const runtime = checkString(value, "runtime");
  const support = runtimeSupport(runtime);
  switch (support.kind) {
    case "runnable":
      return runtime;
    case "deprecated":
      throw invalidParameterValue(
        `The runtime parameter of ${runtime} is no longer supported for creating or updating ` +
          "AWS Lambda functions. We recommend you use a supported runtime while creating or " +
          "updating functions.",
      );
    case "not-offered":
      throw invalidParameterValue(
        `The runtime parameter of ${runtime} is not supported by this Lambkin server. ` +
          `Use one of: ${RUNNABLE_RUNTIMES.join(", ")}.`,
      );
    case "unknown":
      throw invalidParameterValue(
        `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy ` +
          `enum value set: [${AWS_RUNTIMES.join(", ")}] or be a valid ARN`,
      );
  }
}

function checkRole(value: unknown): string {
  const role = checkString(value, "role");
  if (!new RegExp(`^${ROLE_PATTERN}$`).test(role)) {
    throw constraintViolation(
      role,
      "role",
      `Member must satisfy regular expression pattern: ${ROLE_PATTERN}`,
    );
  }
  return role;
}

function checkHandler(value: unknown): string {
  const handler = checkString(value, "handler");
  if (handler.length > LIMITS.handlerMaxLength) {
    throw constraintViolation(
      handler,
      "handler",
      `Member must have length less than or equal to ${LIMITS.handlerMaxLength}`,
    );
  }
  if (!/^[^\s]+$/.test(handler)) {
    throw constraintViolation(
      handler,
      "handler",
      "Member must satisfy regular expression pattern: [^\\s]+",
    );
  }
  return handler;
}

function checkArchitectures(value: unknown): string[] {
  const list = checkList(value, "architectures");
  if (list.length === 0) {
    throw constraintViolation(
      "[]",
      "architectures",
      "Member must have length greater than or equal to 1",
    );
  }
  if (list.length > 1) {
    throw constraintViolation(
      shown(list),
      "architectures",
      "Member must have length less than or equal to 1",
    );
  }
  if (list[0] !== "x86_64" && list[0] !== "arm64") {
    throw constraintViolation(
      shown(list),
      "architectures",
      "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], " +
        "Member must not be null]",
    );
  }
  return [list[0]];
}

function checkEnvironment(value: unknown): Record<string, string> {
  const variables = checkStringMap(
    checkObject(value, "environment").Variables ?? {},
    "environment.variables",
  );
  const keys = Object.keys(variables);
  if (keys.some((key) => !new RegExp(`^${ENV_KEY_PATTERN}$`).test(key))) {
    throw validation(
      "1 validation error detected: Value at 'environment.variables' failed to satisfy " +
        "constraint: Map keys must satisfy constraint: [Member must satisfy regular " +
        `expression pattern: ${ENV_KEY_PATTERN}]`,
    );
  }
  const reserved = keys.filter((key) => RESERVED_ENVIRONMENT_KEYS.has(key));
  if (reserved.length > 0) {
    throw invalidParameterValue(
      "Lambda was unable to configure your environment variables because the environment " +
        "variables you have provided contains reserved keys that are currently not supported " +
        `for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
    );
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured, "utf8") > LIMITS.environmentMaxBytes) {
    throw invalidParameterValue(
      "Lambda was unable to configure your environment variables because the environment " +
        "variables you have provided exceeded the 4KB limit. String measured: " +
        measured,
    );
  }
  return variables;
}
