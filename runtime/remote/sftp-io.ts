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

export function sftpReadFile(sftp: SFTPWrapper, path: string): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    sftp.readFile(path, (err, data) => {
      if (!err) return resolve(data);
      if ((err as Error & { code?: number }).code === 2) return resolve(undefined);
      reject(err);
    });
  });
}

/** Bytes of `path` from `offset` to its current end (at most `max`), or undefined when it does not exist. */
export function sftpReadFrom(sftp: SFTPWrapper, path: string, offset: number, max = 4 << 20): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    sftp.open(path, 'r', (err, handle) => {
      if (err) return (err as Error & { code?: number }).code === 2 ? resolve(undefined) : reject(err);
      const done = (e: Error | undefined, data?: Buffer) => sftp.close(handle, () => (e ? reject(e) : resolve(data)));
      sftp.fstat(handle, (e2, st) => {
        if (e2) return done(e2);
        const len = Math.min(max, st.size - offset);
        if (len <= 0) return done(undefined, Buffer.alloc(0));
        const buf = Buffer.alloc(len);
        let got = 0;
        const next = () => {
          sftp.read(handle, buf, got, len - got, offset + got, (e3, n) => {
            if (e3) return done(e3);
            got += n;
            if (n === 0 || got >= len) return done(undefined, buf.subarray(0, got));
            next();
          });
        };
        next();
      });
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
