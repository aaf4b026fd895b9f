import {
  checkLayerVersionArns,
  invalidParameterValue,
  LIMITS,
  type CodeRecord,
  type FunctionLayer,
} from "../model/index.js";
import type { ApiContext } from "./api-context.js";

/**
 * The layers a function's `Layers` member names, each an existing version
 * of this account's layers; undefined for an empty list, which removes them.
 */
export function resolveLayers(
  value: unknown,
  context: ApiContext,
): FunctionLayer[] | undefined {
  const { where, store } = context;
  const layers = checkLayerVersionArns(value, where).map(
    ({ arn, reference }) => {
      const layer =
        reference.accountId === where.accountId
          ? store.layers.get(reference.layerName, reference.version)
          : undefined;
      if (!layer)
        throw invalidParameterValue(`Layer version ${arn} does not exist.`);
      return {
        arn,
        codeSize: layer.code.size,
        sha256Hex: layer.code.sha256Hex,
      };
    },
  );
  return layers.length > 0 ? layers : undefined;
}

/**
 * Checks that a function's code and layers unpack within Lambda's 250 MB,
 * and makes the /opt tree its environments mount.
 */
export async function prepareLayers(
  code: CodeRecord,
  layers: FunctionLayer[] | undefined,
  context: ApiContext,
): Promise<void> {
  if (!layers) return;
  const { codeStore } = context;
  const sizes = await Promise.all(
    [code.sha256Hex, ...layers.map((layer) => layer.sha256Hex)].map((sha) =>
      codeStore.unpackedSize(sha),
    ),
  );
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > LIMITS.unzippedCodeMaxBytes) {
    throw invalidParameterValue(
      "Function code combined with layers exceeds the maximum allowed size of " +
        `${LIMITS.unzippedCodeMaxBytes} bytes. The actual size is ${total} bytes.`,
    );
  }
  await codeStore.buildLayersTree(layers.map((layer) => layer.sha256Hex));
}
