import { spawnSync } from 'node:child_process';
import { run } from './proc.js';

let updated = false;

/** True when dpkg reports the package fully installed. */
export function aptInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * Installs missing Debian packages, non-interactively. The package lists are refreshed once per process
 * first: on a fresh machine they are empty and `apt-get install` finds nothing.
 */
export async function ensureAptPackages(pkgs: string[]): Promise<void> {
  const missing = pkgs.filter((p) => !aptInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${missing.join(', ')}: run 'sudo apt-get install -y ${missing.join(' ')}'`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`[apt] installing ${missing.join(' ')}`);
  if (!updated) {
    await run('apt-get', ['update', '-qq'], { env });
    updated = true;
  }
  await run('apt-get', ['install', '-y', '-qq', '-o=Dpkg::Use-Pty=0', ...missing], { env });
}
