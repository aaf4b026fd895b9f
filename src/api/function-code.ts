import {
  invalidParameterValue,
  LIMITS,
  requestEntityTooLarge,
  requireMember,
  type CodeRecord,
} from "../model/index.js";
import { CodeRejectedError, type CodeStore } from "../store/index.js";

/** The code members of CreateFunction's `Code` or of UpdateFunctionCode's body. */
interface CodeMembers {
  ZipFile?: unknown;
  S3Bucket?: unknown;
  ImageUri?: unknown;
}

/**
 * Decodes an uploaded deployment package, checks it against Lambda's limits
 * and stores it; errors carry AWS's types and messages.
 */
export async function storeUploadedCode(
  members: CodeMembers,
  codeStore: CodeStore,
  member: string,
): Promise<CodeRecord> {
  if (members.ImageUri !== undefined) {
    throw invalidParameterValue(
      "Please don't provide ImageUri when updating a function with packageType Zip.",
    );
  }
  if (members.S3Bucket !== undefined) {
    // Limitation: Lambkin has no object store yet, so code must be uploaded as ZipFile.
    throw invalidParameterValue(
      "Lambkin accepts code as ZipFile only; S3Bucket/S3Key are not supported yet. " +
        "Upload the zip directly (aws lambda ... --zip-file fileb://function.zip).",
    );
  }
  requireMember(members.ZipFile, `${member}zipFile`);
  if (typeof members.ZipFile !== "string") {
    throw invalidParameterValue(
      "ZipFile must be the base64-encoded bytes of a zip archive.",
    );
  }
  const zip = Buffer.from(members.ZipFile, "base64");
  if (zip.length > LIMITS.zippedCodeMaxBytes) {
    throw requestEntityTooLarge(
      `Zipped size must be smaller than ${LIMITS.zippedCodeMaxBytes} bytes`,
    );
  }
  try {
    return await codeStore.put(zip);
  } catch (err) {
    if (!(err instanceof CodeRejectedError)) throw err;
    throw err.reason === "too-large"
      ? invalidParameterValue(
          `Unzipped size must be smaller than ${LIMITS.unzippedCodeMaxBytes} bytes`,
        )
      : invalidParameterValue(
          "Could not unzip uploaded file. Please check your file, then try to upload again.",
        );
  }
}
