/**
 * Errors of the SSH layer, typed so the CLI and the extension can act on them: a host key error carries
 * what the user must see to trust the host once (the extension shows the fingerprint and, on "Trust",
 * calls `trustHostKey`); the others say what went wrong in one sentence. None of them carries key
 * material or passphrases.
 */

export type RemoteErrorCode = 'host-key-unknown' | 'host-key-changed' | 'host-key-revoked' | 'authentication' | 'unreachable' | 'timeout' | 'connection-lost' | 'remote-command' | 'config';

export class RemoteError extends Error {
  constructor(readonly code: RemoteErrorCode, message: string) {
    super(message);
    this.name = 'RemoteError';
  }
}

export class HostKeyError extends RemoteError {
  constructor(
    code: 'host-key-unknown' | 'host-key-changed' | 'host-key-revoked',
    /** The name looked up in known_hosts: `host` or `[host]:port`. */
    readonly hostEntry: string,
    readonly host: string,
    readonly port: number,
    /** e.g. `ssh-ed25519`. */
    readonly keyType: string,
    /** `SHA256:...`, as `ssh-keygen -lf` and OpenSSH's prompt print it. */
    readonly fingerprint: string,
    /** The key as a known_hosts line would hold it: `ssh-ed25519 AAAA...` (public, safe to show). */
    readonly publicKey: string,
    /** The known_hosts file a trusted key would be added to. */
    readonly knownHostsFile: string,
  ) {
    super(code, hostKeyMessage(code, hostEntry, keyType, fingerprint, knownHostsFile));
    this.name = 'HostKeyError';
  }
}

function hostKeyMessage(code: HostKeyError['code'], entry: string, type: string, fp: string, file: string): string {
  switch (code) {
    case 'host-key-unknown':
      return `the host key of ${entry} is not known (${type} ${fp}); check the fingerprint with the host's administrator, then trust it (mlpipe targets trust NAME) or add it to ${file}`;
    case 'host-key-changed':
      return `the host key of ${entry} has CHANGED (now ${type} ${fp}): someone may be intercepting the connection, or the host was reinstalled; refusing to connect. If the change is expected, remove the old key from ${file} (ssh-keygen -R '${entry}')`;
    default:
      return `the host key of ${entry} (${type} ${fp}) is marked @revoked in ${file}; refusing to connect`;
  }
}
