import { randomUUID } from "node:crypto";
import {
  checkFunctionName,
  checkFunctionSettings,
  checkTags,
  constraintViolation,
  functionArn,
  invalidParameterValue,
  LIMITS,
  lambdaTimestamp,
  parseFunctionReference,
  preconditionFailed,
  requireMember,
  resourceConflict,
  resourceNotFound,
  toFunctionConfiguration,
  validation,
  type FunctionRecord,
} from "../model/index.js";
import {
  controlPlaneRoute,
  type ApiRequest,
  type ApiResponse,
  type Route,
} from "./http-types.js";
import type { ApiContext } from "./api-context.js";
import { storeUploadedCode } from "./function-code.js";
import { prepareLayers, resolveLayers } from "./function-layers.js";
import { jsonBody, targetOf, type Target } from "./request-parsing.js";

const FUNCTIONS = "/2015-03-31/functions";

/** The function operations of the Lambda API. */
export function functionRoutes(context: ApiContext): Route[] {
  const fns = new FunctionOperations(context);
  return [
    controlPlaneRoute("POST", FUNCTIONS, "CreateFunction", (r) =>
      fns.create(r),
    ),
    controlPlaneRoute("GET", FUNCTIONS, "ListFunctions", (r) => fns.list(r)),
    controlPlaneRoute(
      "GET",
      `${FUNCTIONS}/{FunctionName}`,
      "GetFunction",
      (r) => fns.get(r),
    ),
    controlPlaneRoute(
      "DELETE",
      `${FUNCTIONS}/{FunctionName}`,
      "DeleteFunction",
      (r) => fns.delete(r),
    ),
    controlPlaneRoute(
      "GET",
      `${FUNCTIONS}/{FunctionName}/configuration`,
      "GetFunctionConfiguration",
      (r) => fns.getConfiguration(r),
    ),
    controlPlaneRoute(
      "PUT",
      `${FUNCTIONS}/{FunctionName}/configuration`,
      "UpdateFunctionConfiguration",
      (r) => fns.updateConfiguration(r),
    ),
    controlPlaneRoute(
      "PUT",
      `${FUNCTIONS}/{FunctionName}/code`,
      "UpdateFunctionCode",
      (r) => fns.updateCode(r),
    ),
  ];
}

/** CreateFunction, Get*, List, Update* and DeleteFunction. */
class FunctionOperations {
  constructor(private readonly context: ApiContext) {}

  async create(request: ApiRequest): Promise<ApiResponse> {
    const body = jsonBody(request);
    requireMember(body.FunctionName, "functionName");
    requireMember(body.Role, "role");
    requireMember(body.Code, "code");
    const { name } = checkFunctionName(
      body.FunctionName,
      140,
      this.context.where,
    );
    if (body.PackageType !== undefined && body.PackageType !== "Zip") {
      // Limitation: container images need an image store and runner Lambkin does not have.
      throw invalidParameterValue(
        "Lambkin runs functions of PackageType Zip only; container images are not supported.",
      );
    }
    const settings = checkFunctionSettings(body);
    if (!settings.runtime || !settings.handler) {
      throw invalidParameterValue(
        "Runtime and Handler are mandatory parameters for functions created with " +
          "deployment packages.",
      );
    }
    this.checkRunnable(settings.runtime);
    const layers =
      body.Layers === undefined
        ? undefined
        : resolveLayers(body.Layers, this.context);
    // Limitation: Publish is ignored until versions exist; the response shows $LATEST.
    const code = await storeUploadedCode(
      body.Code as object,
      this.context.codeStore,
      "code.",
    );
    await prepareLayers(code, layers, this.context);
    const fn: FunctionRecord = {
      name,
      runtime: settings.runtime,
      role: settings.role!,
      handler: settings.handler,
      description: settings.description ?? "",
      timeout: settings.timeout ?? LIMITS.timeoutDefaultSeconds,
      memorySize: settings.memorySize ?? LIMITS.memoryDefaultMb,
      ephemeralStorage:
        settings.ephemeralStorage ?? LIMITS.ephemeralStorageMinMb,
      architectures: settings.architectures ?? ["x86_64"],
      environment: settings.environment,
      vpcConfig: settings.vpcConfig ?? undefined,
      tags: body.Tags === undefined ? undefined : checkTags(body.Tags),
      code,
      layers,
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(new Date()),
    };
    if (!this.context.store.functions.insert(fn)) {
      throw resourceConflict(`Function already exist: ${name}`);
    }
    return { status: 201, body: this.configuration(fn, "after-create") };
  }

  list(request: ApiRequest): ApiResponse {
    const functionVersion = request.query.get("FunctionVersion");
    if (functionVersion !== null && functionVersion !== "ALL") {
      throw validation(
        `1 validation error detected: Value '${functionVersion}' at 'functionVersion' failed to ` +
          "satisfy constraint: Member must satisfy enum value set: [ALL]",
      );
    }
    const maxItems = parseMaxItems(request.query.get("MaxItems"));
    const marker = request.query.get("Marker");
    const after = marker ? decodeMarker(marker) : undefined;
    const page = this.context.store.functions.list(after, maxItems + 1);
    const shown = page.slice(0, maxItems);
    const functions = shown.map((fn) => {
      const configuration = this.configuration(fn, "list-item");
      if (functionVersion === "ALL") {
        configuration.FunctionArn = functionArn(
          this.context.where,
          fn.name,
          "$LATEST",
        );
      }
      return configuration;
    });
    const last = shown.at(-1);
    return {
      status: 200,
      body: {
        Functions: functions,
        ...(page.length > maxItems && last
          ? { NextMarker: encodeMarker(last.name) }
          : {}),
      },
    };
  }

  get(request: ApiRequest): ApiResponse {
    const target = targetOf(request, 256, this.context.where);
    const fn = this.find(target);
    const location = `${this.context.baseUrl()}/_lambkin/code/${fn.code.sha256Hex}.zip`;
    return {
      status: 200,
      body: {
        Configuration: this.qualifiedConfiguration(fn, target),
        Code: { RepositoryType: "S3", Location: location },
        ...(fn.tags && Object.keys(fn.tags).length > 0
          ? { Tags: fn.tags }
          : {}),
      },
    };
  }

  getConfiguration(request: ApiRequest): ApiResponse {
    const target = targetOf(request, 256, this.context.where);
    return {
      status: 200,
      body: this.qualifiedConfiguration(this.find(target), target),
    };
  }

  async updateCode(request: ApiRequest): Promise<ApiResponse> {
    const target = targetOf(request, 140, this.context.where);
    const body = jsonBody(request);
    const current = this.find(target);
    checkRevision(current, body.RevisionId);
    const settings = checkFunctionSettings({
      Architectures: body.Architectures,
    });
    const code = await storeUploadedCode(body, this.context.codeStore, "");
    await prepareLayers(code, current.layers, this.context);
    if (body.DryRun === true) {
      return {
        status: 200,
        body: this.configuration({ ...current, code }, "current"),
      };
    }
    return this.replace(current, {
      code,
      architectures: settings.architectures,
    });
  }

  async updateConfiguration(request: ApiRequest): Promise<ApiResponse> {
    const target = targetOf(request, 140, this.context.where);
    const body = jsonBody(request);
    const current = this.find(target);
    checkRevision(current, body.RevisionId);
    const settings = checkFunctionSettings(body);
    if (settings.runtime) this.checkRunnable(settings.runtime);
    const layers =
      body.Layers === undefined
        ? current.layers
        : resolveLayers(body.Layers, this.context);
    await prepareLayers(current.code, layers, this.context);
    const { vpcConfig, ...rest } = settings;
    return this.replace(current, {
      ...rest,
      layers,
      // Members that replace the whole value; given empty, they remove it.
      environment:
        body.Environment === undefined
          ? current.environment
          : settings.environment,
      vpcConfig:
        vpcConfig === undefined ? current.vpcConfig : (vpcConfig ?? undefined),
    });
  }

  delete(request: ApiRequest): ApiResponse {
    const target = targetOf(request, 256, this.context.where);
    if (target.qualifier === "$LATEST") {
      throw invalidParameterValue(
        "$LATEST version cannot be deleted without deleting the function.",
      );
    }
    const fn = this.find({ name: target.name });
    if (target.qualifier !== undefined) throw this.notFound(target);
    this.context.store.functions.delete(fn.name);
    this.context.environments.retire(fn.name);
    return { status: 204 };
  }

  private replace(
    current: FunctionRecord,
    changes: Partial<FunctionRecord>,
  ): ApiResponse {
    const next: FunctionRecord = {
      ...current,
      ...Object.fromEntries(
        Object.entries(changes).filter(([, value]) => value !== undefined),
      ),
      environment:
        "environment" in changes ? changes.environment : current.environment,
      vpcConfig: "vpcConfig" in changes ? changes.vpcConfig : current.vpcConfig,
      layers: "layers" in changes ? changes.layers : current.layers,
      revisionId: randomUUID(),
      lastModified: lambdaTimestamp(new Date()),
    };
    if (!this.context.store.functions.replace(next, current.revisionId)) {
      throw resourceConflict(
        "The operation cannot be performed at this time. An update is in progress for resource: " +
          functionArn(this.context.where, current.name),
      );
    }
    this.context.environments.retire(current.name);
    return { status: 200, body: this.configuration(next, "after-update") };
  }

  /** Refuses a runtime this host has no interpreter for, saying what to install. */
  private checkRunnable(runtime: string): void {
    const missing = this.context.environments.runtimeUnavailable(runtime);
    if (missing) throw invalidParameterValue(missing);
  }

  private find(target: Target): FunctionRecord {
    const fn = this.context.store.functions.get(target.name);
    // Limitation: versions and aliases come later, so only $LATEST can be addressed.
    if (
      !fn ||
      (target.qualifier !== undefined && target.qualifier !== "$LATEST")
    ) {
      throw this.notFound(target);
    }
    return fn;
  }

  private notFound(target: Target) {
    return resourceNotFound(
      `Function not found: ${functionArn(this.context.where, target.name, target.qualifier)}`,
    );
  }

  private configuration(
    fn: FunctionRecord,
    view: Parameters<typeof toFunctionConfiguration>[2],
  ) {
    return toFunctionConfiguration(fn, this.context.where, view);
  }

  private qualifiedConfiguration(fn: FunctionRecord, target: Target) {
    const configuration = this.configuration(fn, "current");
    if (target.qualifier !== undefined) {
      configuration.FunctionArn = functionArn(
        this.context.where,
        fn.name,
        target.qualifier,
      );
    }
    return configuration;
  }
}

function checkRevision(fn: FunctionRecord, revisionId: unknown): void {
  if (revisionId !== undefined && revisionId !== fn.revisionId)
    throw preconditionFailed();
}

function parseMaxItems(raw: string | null): number {
  if (raw === null) return LIMITS.listMaxItemsDefault;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > LIMITS.listMaxItemsMax) {
    // Our wording: AWS would refuse "1e3" while parsing, with no recorded text.
    throw constraintViolation(
      raw,
      "maxItems",
      `Member must be a decimal integer between 1 and ${LIMITS.listMaxItemsMax}`,
    );
  }
  return Math.min(value, LIMITS.listMaxItemsDefault);
}

const encodeMarker = (name: string): string =>
  Buffer.from(name).toString("base64url");

/** The function name a NextMarker of ours encodes; anything else is refused. */
function decodeMarker(marker: string): string {
  const name = Buffer.from(marker, "base64url").toString();
  if (
    encodeMarker(name) !== marker ||
    parseFunctionReference(name)?.name !== name
  ) {
    // Our wording: AWS's message for a marker it never issued is not on record.
    throw invalidParameterValue(
      `Marker '${marker}' is not one that ListFunctions returned.`,
    );
  }
  return name;
}
