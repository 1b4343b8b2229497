import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * The folder holding the step SDKs (`node/mlpipe.mjs`, `python/mlpipe.py`): next to the sources in a
 * checkout, next to `dist/` in a package. MLPIPE_SDK_DIR overrides it for unusual layouts.
 */
export function sdkDir(): string {
  if (process.env.MLPIPE_SDK_DIR) return process.env.MLPIPE_SDK_DIR;
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'sdk'), join(dir, 'runtime', 'sdk')]) {
      if (existsSync(join(candidate, 'python', 'mlpipe.py'))) return (found = candidate);
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the mlpipe step SDKs (runtime/sdk); set MLPIPE_SDK_DIR');
}
