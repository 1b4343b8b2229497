import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';

/**
 * Follows a file a remote step appends to, by byte offset, and mirrors it into a local file. The local
 * copy is always a prefix of the remote file, so its size is where reading resumes: after a dropped
 * connection, and after a restarted runtime reattaches. No line is lost or delivered twice.
 */
export class RemoteTail {
  private offset: number;
  private partial: Buffer;
  /** An open handle on the remote file, valid for the SFTP session it was opened on. */
  private handle: { sftp: SFTPWrapper; handle: Buffer } | undefined;
  private readonly buf = Buffer.allocUnsafe(256 * 1024);

  constructor(readonly remote: string, readonly local: string, private readonly onLines: (lines: string[]) => void) {
    this.offset = existsSync(local) ? statSync(local).size : 0;
    // A line the previous reader had only half of is completed by the next bytes.
    const prior = this.offset ? readFileSync(local) : Buffer.alloc(0);
    const cut = prior.lastIndexOf(0x0a);
    this.partial = prior.subarray(cut + 1);
  }

  get position(): number {
    return this.offset;
  }

  /**
   * Reads what was appended since the last poll; true when there was something. The handle stays open
   * between polls, so a quiet file costs one read request (answered with end-of-file) per poll.
   */
  async poll(sftp: SFTPWrapper): Promise<boolean> {
    if (this.handle?.sftp !== sftp) {
      this.handle = undefined;
      const h = await open(sftp, this.remote);
      if (!h) return false; // not created yet
      this.handle = { sftp, handle: h };
    }
    let any = false;
    for (;;) {
      const n = await read(sftp, this.handle.handle, this.buf, this.offset);
      if (!n) return any;
      any = true;
      const data = Buffer.from(this.buf.subarray(0, n));
      appendFileSync(this.local, data);
      this.offset += n;
      this.deliver(data);
    }
  }

  /** The last line, when the file does not end with a newline; closes the handle. */
  finish(): void {
    if (this.partial.length) this.onLines([stripCr(this.partial.toString('utf8'))]);
    this.partial = Buffer.alloc(0);
    if (this.handle) this.handle.sftp.close(this.handle.handle, () => undefined);
    this.handle = undefined;
  }

  private deliver(data: Buffer): void {
    const text = Buffer.concat([this.partial, data]);
    const cut = text.lastIndexOf(0x0a);
    if (cut < 0) {
      this.partial = text;
      return;
    }
    this.partial = Buffer.from(text.subarray(cut + 1));
    this.onLines(text.subarray(0, cut).toString('utf8').split('\n').map(stripCr));
  }
}

const stripCr = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);

function open(sftp: SFTPWrapper, path: string): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    sftp.open(path, 'r', (err, handle) => {
      if (!err) return resolve(handle);
      if ((err as Error & { code?: number }).code === 2) return resolve(undefined); // NO_SUCH_FILE
      reject(err);
    });
  });
}

/** Bytes read at `offset` (0 at end of file). */
function read(sftp: SFTPWrapper, handle: Buffer, buf: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    sftp.read(handle, buf, 0, buf.length, offset, (err, n) => {
      if (!err) return resolve(n);
      if ((err as Error & { code?: number }).code === 1) return resolve(0); // EOF
      reject(err);
    });
  });
}
