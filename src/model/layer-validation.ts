import type { Region } from "./arn.js";
import {
  accessDenied,
  constraintViolation,
  invalidParameterValue,
} from "./errors.js";
import {
  LAYER_NAME_PATTERN,
  LAYER_VERSION_ARN_PATTERN,
  parseLayerVersionArn,
  type LayerVersionReference,
} from "./layer.js";
import { LIMITS } from "./limits.js";
import { AWS_RUNTIMES } from "./runtimes.js";
import { checkList, checkString, shown } from "./validation.js";

/** The settings of a PublishLayerVersion request, validated. */
export interface LayerVersionSettings {
  description: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo?: string;
}

const LAYER_NAME = new RegExp(`^(?:${LAYER_NAME_PATTERN})$`);
const ARCHITECTURES = ["x86_64", "arm64"] as const;

/**
 * The plain name of a LayerName path parameter, which may also be a layer
 * ARN; an ARN must name the region and account `where` this server presents.
 */
export function checkLayerName(raw: string, where: Region): string {
  if (raw.length > 140 || !LAYER_NAME.test(raw)) {
    throw constraintViolation(
      raw,
      "layerName",
      raw.length > 140
        ? "Member must have length less than or equal to 140"
        : `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
    );
  }
  if (!raw.startsWith("arn:")) return raw;
  const [, , , region, accountId, , name] = raw.split(":");
  checkLayerOwner({ region: region!, accountId: accountId! }, where);
  return name!;
}

/** A VersionNumber path parameter. */
export function checkLayerVersionNumber(raw: string): number {
  if (!/^-?\d+$/.test(raw)) {
    throw constraintViolation(raw, "versionNumber", "Member must be a number");
  }
  const version = Number(raw);
  if (version < 1)
    throw invalidParameterValue("Layer Version Cannot be less than 1");
  return version;
}

/**
 * The CompatibleRuntime or CompatibleArchitecture a list is filtered by,
 * or null when the query does not give it.
 */
export function checkCompatibleFilter(
  raw: string | null,
  member: "compatibleRuntime" | "compatibleArchitecture",
): string | null {
  const allowed: readonly string[] =
    member === "compatibleRuntime" ? AWS_RUNTIMES : ARCHITECTURES;
  if (raw !== null && !allowed.includes(raw)) {
    throw constraintViolation(
      raw,
      member,
      `Member must satisfy enum value set: [${allowed.join(", ")}]`,
    );
  }
  return raw;
}

/** Validates the members of a PublishLayerVersion body other than Content. */
export function checkLayerVersionSettings(
  body: Record<string, unknown>,
): LayerVersionSettings {
  const description =
    body.Description === undefined
      ? ""
      : checkString(body.Description, "description");
  if (description.length > LIMITS.descriptionMaxLength) {
    throw constraintViolation(
      description,
      "description",
      `Member must have length less than or equal to ${LIMITS.descriptionMaxLength}`,
    );
  }
  const licenseInfo =
    body.LicenseInfo === undefined
      ? undefined
      : checkString(body.LicenseInfo, "licenseInfo");
  if (licenseInfo !== undefined && licenseInfo.length > 512) {
    throw constraintViolation(
      licenseInfo,
      "licenseInfo",
      "Member must have length less than or equal to 512",
    );
  }
  return {
    description,
    compatibleRuntimes: checkEnumList(
      body.CompatibleRuntimes,
      "compatibleRuntimes",
      AWS_RUNTIMES,
      15,
    ),
    compatibleArchitectures: checkEnumList(
      body.CompatibleArchitectures,
      "compatibleArchitectures",
      ARCHITECTURES,
      2,
    ),
    ...(licenseInfo === undefined ? {} : { licenseInfo }),
  };
}

/**
 * A function's Layers member: at most 5 layer version ARNs of this region,
 * no two of the same layer. Whether each version exists is the caller's check.
 */
export function checkLayerVersionArns(
  value: unknown,
  where: Region,
): { arn: string; reference: LayerVersionReference }[] {
  const list = checkList(value, "layers");
  const layers = list.map((arn) => {
    const reference =
      typeof arn === "string" && arn.length <= 2048
        ? parseLayerVersionArn(arn)
        : undefined;
    if (!reference) {
      throw constraintViolation(
        shown(list),
        "layers",
        "Member must satisfy constraint: [Member must have length less than or equal to " +
          "2048, Member must have length greater than or equal to 1, Member must satisfy " +
          `regular expression pattern: ${LAYER_VERSION_ARN_PATTERN}, Member must not be null]`,
      );
    }
    return { arn: arn as string, reference };
  });
  if (layers.length > LIMITS.layersPerFunction) {
    throw invalidParameterValue(
      `Cannot reference more than ${LIMITS.layersPerFunction} layers.`,
    );
  }
  for (const [index, layer] of layers.entries()) {
    if (layer.reference.region !== where.region) {
      throw invalidParameterValue(
        "Layers are not in the same region as the function. " +
          `Layers are expected to be in region ${where.region}.`,
      );
    }
    const twin = layers
      .slice(0, index)
      .find(
        (earlier) =>
          earlier.reference.layerName === layer.reference.layerName &&
          earlier.reference.accountId === layer.reference.accountId,
      );
    if (twin) {
      throw invalidParameterValue(
        "Two different versions of the same layer are not allowed to be referenced in the " +
          `same function. ${twin.arn} and ${layer.arn} are versions of the same layer.`,
      );
    }
  }
  return layers;
}

function checkLayerOwner(
  reference: { region: string; accountId: string },
  where: Region,
): void {
  if (
    reference.region !== where.region ||
    reference.accountId !== where.accountId
  ) {
    // Our wording: this server holds the layers of one region of one account.
    throw accessDenied(
      `Layers of ${reference.region}/${reference.accountId} are not reachable from this ` +
        `server's region and account (${where.region}/${where.accountId})`,
    );
  }
}

/** An optional list whose members come from a fixed set, at most `max` long. */
function checkEnumList(
  value: unknown,
  member: string,
  allowed: readonly string[],
  max: number,
): string[] {
  if (value === undefined) return [];
  const list = checkList(value, member);
  if (list.length > max) {
    throw constraintViolation(
      shown(list),
      member,
      `Member must have length less than or equal to ${max}`,
    );
  }
  if (list.some((item) => !allowed.includes(item as string))) {
    throw constraintViolation(
      shown(list),
      member,
      "Member must satisfy constraint: [Member must satisfy enum value set: " +
        `[${allowed.join(", ")}]]`,
    );
  }
  return [...new Set(list as string[])];
}
