import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import { sftpReadFrom } from './sftp-io.js';

/**
 * Follows a file a remote step appends to, by byte offset, and mirrors it into a local file. The local
 * copy is always a prefix of the remote file, so its size is where reading resumes: after a dropped
 * connection, and after a restarted runtime reattaches. No line is lost or delivered twice.
 */
export class RemoteTail {
  private offset: number;
  private partial: Buffer;

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

  /** Reads what was appended since the last poll; true when there was something. */
  async poll(sftp: SFTPWrapper): Promise<boolean> {
    let any = false;
    for (;;) {
      const data = await sftpReadFrom(sftp, this.remote, this.offset);
      if (!data?.length) return any;
      any = true;
      appendFileSync(this.local, data);
      this.offset += data.length;
      this.deliver(data);
    }
  }

  /** The last line, when the file does not end with a newline. */
  finish(): void {
    if (this.partial.length) this.onLines([stripCr(this.partial.toString('utf8'))]);
    this.partial = Buffer.alloc(0);
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
