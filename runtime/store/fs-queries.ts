import { readdirSync, statSync } from 'node:fs';

/** Whether `path` is a regular file now (false when it is missing, a folder, or unreadable). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The names in a folder, or none when it does not exist (yet): the store's readers tolerate that. */
export function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
