import {
  checkFunctionName,
  invalidParameterValue,
  invalidRequestContent,
  type Region,
} from "../model/index.js";
import type { ApiRequest } from "./http-types.js";

/** The function (and qualifier) a request addresses. */
export interface Target {
  name: string;
  qualifier?: string;
}

/**
 * Reads the FunctionName path parameter and the Qualifier query parameter,
 * which must agree when both carry a qualifier.
 */
export function targetOf(
  request: ApiRequest,
  maxLength: 140 | 256,
  where: Region,
): Target {
  const { name, qualifier: derived } = checkFunctionName(
    request.params.FunctionName!,
    maxLength,
    where,
  );
  const given = request.query.get("Qualifier") ?? undefined;
  if (derived !== undefined && given !== undefined && derived !== given) {
    throw invalidParameterValue(
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  }
  return { name, qualifier: derived ?? given };
}

/** Parses a JSON request body into an object; an empty body is `{}`. */
export function jsonBody(request: ApiRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString("utf8"));
  } catch (err) {
    throw invalidRequestContent(
      `Could not parse request body into json: ${(err as Error).message}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidRequestContent(
      "Could not parse request body into json: expected an object",
    );
  }
  return parsed as Record<string, unknown>;
}
