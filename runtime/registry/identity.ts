import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';

let cached: string | undefined;

/**
 * Who is making a registry change, for the audit history: MLPIPE_USER when set (CI jobs set it to the
 * pipeline's actor), else git's user.name <user.email>, else the OS user at this host.
 */
export function currentUser(): string {
  if (process.env.MLPIPE_USER) return process.env.MLPIPE_USER;
  if (cached) return cached;
  const git = (key: string) => {
    try {
      return execFileSync('git', ['config', key], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const name = git('user.name');
  const email = git('user.email');
  cached = name ? `${name}${email ? ` <${email}>` : ''}` : `${safeUser()}@${hostname()}`;
  return cached;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
