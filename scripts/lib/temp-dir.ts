import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onEarlyExit } from './process-group.js';

const OWNER_FILE = 'owner.pid';

export interface OwnedTempDir {
  path: string;
  /** Deletes the folder now, unless `keep` (then a later run's sweep deletes it). */
  release(options?: { keep?: boolean }): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const remove = (dir: string): void => rmSync(dir, { recursive: true, force: true, maxRetries: 5 });

/**
 * A temp folder that is removed when released, when this process exits, and otherwise (the process was
 * killed outright) by the next call with the same prefix, which sweeps folders whose owner is dead.
 */
export function ownedTempDir(prefix: string): OwnedTempDir {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix))) {
    const dir = join(tmpdir(), name);
    const owner = Number(existsSync(join(dir, OWNER_FILE)) ? readFileSync(join(dir, OWNER_FILE), 'utf8') : NaN);
    if (!(Number.isInteger(owner) && isAlive(owner))) remove(dir);
  }
  const path = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(path, OWNER_FILE), String(process.pid));
  const forget = onEarlyExit(() => remove(path));
  return {
    path,
    release: ({ keep = false } = {}) => {
      forget();
      if (!keep) remove(path);
    },
  };
}
