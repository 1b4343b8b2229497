import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Generated sample data (never committed): the churn sample's data checks, previews and runs need it.
 * Deterministic and about a second for the default size, so every fresh workspace gets its own.
 */
export function ensureSampleData(workspace: string): void {
  const generator = join(workspace, 'churn', 'generate-data.mjs');
  if (!existsSync(generator) || existsSync(join(workspace, 'churn', 'data'))) return;
  execFileSync(process.execPath, [generator, '--out', join(workspace, 'churn', 'data')], { stdio: 'ignore' });
}
