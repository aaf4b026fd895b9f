import {
  checkCompatibleFilter,
  checkLayerName,
  checkLayerVersionNumber,
  checkLayerVersionSettings,
  constraintViolation,
  invalidParameterValue,
  lambdaTimestamp,
  layerArn,
  LIMITS,
  parseLayerVersionArn,
  requireMember,
  resourceNotFound,
  toLayerVersion,
  toLayerVersionSummary,
  type LayerVersionRecord,
} from "../model/index.js";
import type { ApiContext } from "./api-context.js";
import { storeUploadedCode } from "./function-code.js";
import {
  controlPlaneRoute,
  type ApiRequest,
  type ApiResponse,
  type Route,
} from "./http-types.js";
import { jsonBody } from "./request-parsing.js";

const LAYERS = "/2018-10-31/layers";

/** The layer operations of the Lambda API. */
export function layerRoutes(context: ApiContext): Route[] {
  const layers = new LayerOperations(context);
  const version = `${LAYERS}/{LayerName}/versions/{VersionNumber}`;
  return [
    controlPlaneRoute("GET", LAYERS, "ListLayers", (r) =>
      r.query.get("find") === "LayerVersion"
        ? layers.getByArn(r)
        : layers.list(r),
    ),
    controlPlaneRoute(
      "POST",
      `${LAYERS}/{LayerName}/versions`,
      "PublishLayerVersion",
      (r) => layers.publish(r),
    ),
    controlPlaneRoute(
      "GET",
      `${LAYERS}/{LayerName}/versions`,
      "ListLayerVersions",
      (r) => layers.listVersions(r),
    ),
    controlPlaneRoute("GET", version, "GetLayerVersion", (r) => layers.get(r)),
    controlPlaneRoute("DELETE", version, "DeleteLayerVersion", (r) =>
      layers.delete(r),
    ),
  ];
}

/** Publish, Get, List and Delete of layer versions. */
// Limitation: layer version permissions (Add/Get/RemoveLayerVersionPermission)
// are not served: one server holds one account, so there is no one to share with.
class LayerOperations {
  constructor(private readonly context: ApiContext) {}

  async publish(request: ApiRequest): Promise<ApiResponse> {
    const layerName = this.layerName(request);
    const body = jsonBody(request);
    requireMember(body.Content, "content");
    const settings = checkLayerVersionSettings(body);
    const code = await storeUploadedCode(
      body.Content as object,
      this.context.codeStore,
      "content.",
    );
    const layer = this.context.store.layers.publish({
      layerName,
      ...settings,
      createdDate: lambdaTimestamp(new Date()),
      code,
    });
    return { status: 201, body: this.shown(layer) };
  }

  get(request: ApiRequest): ApiResponse {
    const layerName = this.layerName(request);
    const version = checkLayerVersionNumber(request.params.VersionNumber!);
    return { status: 200, body: this.shown(this.find(layerName, version)) };
  }

  getByArn(request: ApiRequest): ApiResponse {
    const arn = request.query.get("Arn");
    requireMember(arn ?? undefined, "arn");
    const reference = parseLayerVersionArn(arn!);
    if (!reference) {
      throw constraintViolation(
        arn!,
        "arn",
        "Member must satisfy regular expression pattern: " +
          "(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:" +
          "layer:[a-zA-Z0-9-_]+:[0-9]+)",
      );
    }
    const { where } = this.context;
    if (
      reference.region !== where.region ||
      reference.accountId !== where.accountId
    ) {
      throw notFound();
    }
    return {
      status: 200,
      body: this.shown(this.find(reference.layerName, reference.version)),
    };
  }

  listVersions(request: ApiRequest): ApiResponse {
    const layerName = this.layerName(request);
    const versions = this.matching(request).filter(
      (layer) => layer.layerName === layerName,
    );
    const page = paginate(request, versions, BY_VERSION);
    return {
      status: 200,
      body: {
        LayerVersions: page.items.map((layer) =>
          toLayerVersionSummary(layer, this.context.where),
        ),
        ...page.next,
      },
    };
  }

  list(request: ApiRequest): ApiResponse {
    const latest = new Map<string, LayerVersionRecord>();
    for (const layer of this.matching(request)) {
      if (!latest.has(layer.layerName)) latest.set(layer.layerName, layer);
    }
    const page = paginate(request, [...latest.values()], BY_NAME);
    const { where } = this.context;
    return {
      status: 200,
      body: {
        Layers: page.items.map((layer) => ({
          LayerName: layer.layerName,
          LayerArn: layerArn(where, layer.layerName),
          LatestMatchingVersion: toLayerVersionSummary(layer, where),
        })),
        ...page.next,
      },
    };
  }

  delete(request: ApiRequest): ApiResponse {
    const layerName = this.layerName(request);
    const version = checkLayerVersionNumber(request.params.VersionNumber!);
    // Functions that use the version keep its package: the code store is
    // content-addressed, and their records hold its digest.
    this.context.store.layers.delete(layerName, version);
    return { status: 204 };
  }

  private layerName(request: ApiRequest): string {
    return checkLayerName(request.params.LayerName!, this.context.where);
  }

  private find(layerName: string, version: number): LayerVersionRecord {
    const layer = this.context.store.layers.get(layerName, version);
    if (!layer) throw notFound();
    return layer;
  }

  /** Versions, newest first per layer, compatible with the query's runtime and architecture. */
  private matching(request: ApiRequest): LayerVersionRecord[] {
    const runtime = checkCompatibleFilter(
      request.query.get("CompatibleRuntime"),
      "compatibleRuntime",
    );
    const architecture = checkCompatibleFilter(
      request.query.get("CompatibleArchitecture"),
      "compatibleArchitecture",
    );
    return this.context.store.layers
      .all()
      .filter(
        (layer) =>
          (runtime === null || layer.compatibleRuntimes.includes(runtime)) &&
          (architecture === null ||
            layer.compatibleArchitectures.includes(architecture)),
      );
  }

  private shown(layer: LayerVersionRecord) {
    const location = `${this.context.baseUrl()}/_lambkin/code/${layer.code.sha256Hex}.zip`;
    return toLayerVersion(layer, this.context.where, location);
  }
}

const notFound = () =>
  resourceNotFound("The resource you requested does not exist.");

/** How a list is ordered: each item's key, and which items follow a key. */
interface ListOrder {
  keyOf(layer: LayerVersionRecord): string;
  /** The form of a key; a Marker that encodes anything else is not ours. */
  key: RegExp;
  follows(layer: LayerVersionRecord, key: string): boolean;
}

/** ListLayerVersions: newest first. */
const BY_VERSION: ListOrder = {
  keyOf: (layer) => String(layer.version),
  key: /^[1-9]\d{0,15}$/,
  follows: (layer, key) => layer.version < Number(key),
};

/** ListLayers: by layer name. */
const BY_NAME: ListOrder = {
  keyOf: (layer) => layer.layerName,
  key: /^[a-zA-Z0-9-_]{1,140}$/,
  follows: (layer, key) => layer.layerName > key,
};

/**
 * One page of a list, starting after the key its Marker encodes. The key
 * need not be listed any more: a version deleted between two pages does not
 * end the listing.
 */
function paginate(
  request: ApiRequest,
  items: LayerVersionRecord[],
  order: ListOrder,
): { items: LayerVersionRecord[]; next: { NextMarker?: string } } {
  const maxItems = parseMaxItems(request.query.get("MaxItems"));
  const marker = request.query.get("Marker");
  let start = 0;
  if (marker) {
    const key = decodeMarker(marker, order);
    start = items.findIndex((item) => order.follows(item, key));
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + maxItems);
  const last = page.at(-1);
  return {
    items: page,
    next:
      start + maxItems < items.length && last !== undefined
        ? { NextMarker: encodeMarker(order.keyOf(last)) }
        : {},
  };
}

const encodeMarker = (key: string): string =>
  Buffer.from(key).toString("base64url");

/** The key a NextMarker of ours encodes; anything else is refused. */
function decodeMarker(marker: string, order: ListOrder): string {
  const key = Buffer.from(marker, "base64url").toString();
  if (encodeMarker(key) !== marker || !order.key.test(key)) {
    // Our wording: AWS's message for a marker it never issued is not on record.
    throw invalidParameterValue(
      `Marker '${marker}' is not one this list returned.`,
    );
  }
  return key;
}

function parseMaxItems(raw: string | null): number {
  if (raw === null) return LIMITS.layerVersionsListMaxItems;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw)) {
    // Our wording: AWS would refuse "1e3" while parsing, with no recorded text.
    throw constraintViolation(raw, "maxItems", "Member must be a number");
  }
  if (value < 1) {
    throw constraintViolation(
      raw,
      "maxItems",
      "Member must have value greater than or equal to 1",
    );
  }
  if (value > LIMITS.layerVersionsListMaxItems) {
    throw constraintViolation(
      raw,
      "maxItems",
      `Member must have value less than or equal to ${LIMITS.layerVersionsListMaxItems}`,
    );
  }
  return value;
}
