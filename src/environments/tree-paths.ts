import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * The real host path of `relative` under the unpacked tree `root`, or
 * undefined when it is missing or its links lead out of the tree. Links in a
 * tree are meant to be followed inside the sandbox, where the tree is /opt or
 * /var/task; followed on the host, a chain of them could reach any host file.
 */
export function realPathInside(
  root: string,
  relative: string,
): string | undefined {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.join(root, relative));
    const inside = real === realRoot || real.startsWith(realRoot + path.sep);
    return inside ? real : undefined;
  } catch {
    return undefined;
  }
}
