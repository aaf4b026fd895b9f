import type { Region } from "./arn.js";
import type { CodeRecord } from "./code.js";

/** One published version of a layer; versions are immutable once published. */
export interface LayerVersionRecord {
  layerName: string;
  version: number;
  description: string;
  createdDate: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo?: string;
  code: CodeRecord;
}

/** A layer version a function uses, as its configuration shows it. */
export interface FunctionLayer {
  arn: string;
  codeSize: number;
  /** The layer's package in the code store, unpacked into /opt. */
  sha256Hex: string;
}

/** The parts of a layer version ARN. */
export interface LayerVersionReference {
  region: string;
  accountId: string;
  layerName: string;
  version: number;
}

/** The pattern AWS holds a layer name (or layer ARN) to. */
export const LAYER_NAME_PATTERN =
  "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";

/** The pattern AWS holds a function's layer version ARNs to. */
export const LAYER_VERSION_ARN_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:" +
  "\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";

const LAYER_VERSION_ARN = new RegExp(
  "^arn:(?:aws[a-zA-Z-]*)?:lambda:((?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d):" +
    "(\\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$",
);

export const layerArn = (where: Region, layerName: string): string =>
  `arn:aws:lambda:${where.region}:${where.accountId}:layer:${layerName}`;

export const layerVersionArn = (
  where: Region,
  layerName: string,
  version: number,
): string => `${layerArn(where, layerName)}:${version}`;

/** Splits a layer version ARN, or undefined when it is not one. */
export function parseLayerVersionArn(
  arn: string,
): LayerVersionReference | undefined {
  const match = LAYER_VERSION_ARN.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, layerName, version] = match;
  return {
    region: region!,
    accountId: accountId!,
    layerName: layerName!,
    version: Number(version),
  };
}

/** The fields every layer version response shares (GetLayerVersion without Content). */
export function toLayerVersionSummary(
  layer: LayerVersionRecord,
  where: Region,
): Record<string, unknown> {
  return {
    LayerVersionArn: layerVersionArn(where, layer.layerName, layer.version),
    Version: layer.version,
    Description: layer.description,
    CreatedDate: layer.createdDate,
    CompatibleRuntimes: layer.compatibleRuntimes,
    CompatibleArchitectures: layer.compatibleArchitectures,
    ...(layer.licenseInfo === undefined
      ? {}
      : { LicenseInfo: layer.licenseInfo }),
  };
}

/** PublishLayerVersion's and GetLayerVersion's answer; `location` downloads the zip. */
export function toLayerVersion(
  layer: LayerVersionRecord,
  where: Region,
  location: string,
): Record<string, unknown> {
  return {
    Content: {
      Location: location,
      CodeSha256: layer.code.sha256,
      CodeSize: layer.code.size,
    },
    LayerArn: layerArn(where, layer.layerName),
    ...toLayerVersionSummary(layer, where),
  };
}
