/** A deployment package, addressed by the SHA-256 of its zip bytes. */
export interface CodeRecord {
  /** Hex digest; the key of the zip and its unpacked tree in the code store. */
  sha256Hex: string;
  /** Base64 digest, as AWS reports CodeSha256. */
  sha256: string;
  size: number;
}
