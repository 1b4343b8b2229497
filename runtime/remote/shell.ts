/** POSIX shell quoting for command lines sent to a remote host. */
export function sq(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A remote path as a shell word: `~` and `~/x` become `"$HOME"/x` (quoted tildes do not expand), other
 * paths are quoted as they are.
 */
export function shellPath(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${sq(path.slice(2))}`;
  return sq(path);
}
