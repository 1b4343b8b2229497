import type { Stats } from 'ssh2';
import type { SFTPWrapper } from 'ssh2';

/** Promise wrappers for the few SFTP calls the runtime makes. */

export function sftpStat(sftp: SFTPWrapper, path: string): Promise<Stats | undefined> {
  return new Promise((resolve, reject) => {
    sftp.stat(path, (err, st) => {
      if (!err) return resolve(st);
      if ((err as Error & { code?: number }).code === 2) return resolve(undefined); // NO_SUCH_FILE
      reject(err);
    });
  });
}

export function sftpGet(sftp: SFTPWrapper, remote: string, local: string): Promise<void> {
  return new Promise((resolve, reject) => sftp.fastGet(remote, local, (err) => (err ? reject(err) : resolve())));
}

export function sftpReaddir(sftp: SFTPWrapper, path: string): Promise<{ filename: string; attrs: Stats }[]> {
  return new Promise((resolve, reject) => sftp.readdir(path, (err, list) => (err ? reject(err) : resolve(list))));
}

export function sftpRealpath(sftp: SFTPWrapper, path: string): Promise<string> {
  return new Promise((resolve, reject) => sftp.realpath(path, (err, p) => (err ? reject(err) : resolve(p))));
}

/**
 * A small file (a status file: a few bytes) in two round trips, open and read; the close is not waited
 * for. Undefined when it does not exist.
 */
export function sftpReadSmall(sftp: SFTPWrapper, path: string, max = 4096): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    sftp.open(path, 'r', (err, handle) => {
      if (err) return (err as Error & { code?: number }).code === 2 ? resolve(undefined) : reject(err);
      const buf = Buffer.alloc(max);
      sftp.read(handle, buf, 0, max, 0, (e2, n) => {
        sftp.close(handle, () => undefined);
        if (e2 && (e2 as Error & { code?: number }).code !== 1) return reject(e2);
        resolve(buf.subarray(0, e2 ? 0 : n));
      });
    });
  });
}
