import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * OpenSSH's known_hosts, read the way `ssh` reads it: plain and hashed (`|1|salt|hmac`) host names,
 * `[host]:port` for non-default ports, comma lists, `*`/`?` wildcards, `!` negation, `@revoked` lines.
 * `@cert-authority` lines are skipped: host certificates are not supported, so a host that only has a
 * CA line is "unknown" (the user is asked), never silently accepted.
 */

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'unknown' }
  | { kind: 'changed'; file: string; line: number }
  | { kind: 'revoked'; file: string; line: number };

interface Entry {
  file: string;
  line: number;
  marker?: string;
  patterns: string;
  keyType: string;
  keyBase64: string;
}

/** The name a host has in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:` + unpadded base64 of the key blob's SHA-256, as OpenSSH prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + n).toString('latin1');
}

function readEntries(files: readonly string[]): Entry[] {
  const out: Entry[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((raw, i) => {
      const text = raw.trim();
      if (!text || text.startsWith('#')) return;
      const fields = text.split(/\s+/);
      let marker: string | undefined;
      if (fields[0].startsWith('@')) marker = fields.shift();
      if (fields.length < 3) return;
      out.push({ file, line: i + 1, marker, patterns: fields[0], keyType: fields[1], keyBase64: fields[2] });
    });
  }
  return out;
}

function wildcard(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/** Whether a known_hosts host field names `name` (an entry name such as `[h]:2222`). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (wildcard(p.slice(1), name)) return false;
    } else if (wildcard(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Key types known_hosts holds for a host, so the client can prefer them (as `ssh` does). */
export function knownKeyTypes(files: readonly string[], host: string, port: number): string[] {
  const name = hostEntryName(host, port);
  return [...new Set(readEntries(files).filter((e) => !e.marker && patternsMatch(e.patterns, name)).map((e) => e.keyType))];
}

export function verifyHostKey(files: readonly string[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = hostEntryName(host, port);
  const type = keyTypeOf(keyBlob);
  const b64 = keyBlob.toString('base64');
  const entries = readEntries(files).filter((e) => patternsMatch(e.patterns, name) || (e.marker === '@revoked' && e.patterns === '*'));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.keyBase64 === b64);
  if (revoked) return { kind: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => !e.marker);
  if (plain.some((e) => e.keyType === type && e.keyBase64 === b64)) return { kind: 'match' };
  // Same key type, other key: the host's identity changed (OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED").
  const other = plain.find((e) => e.keyType === type);
  if (other) return { kind: 'changed', file: other.file, line: other.line };
  return { kind: 'unknown' };
}

/**
 * Adds a key the user chose to trust. Hashed like `HashKnownHosts yes` when asked, so the file does not
 * list the hosts the user connects to.
 */
export function trustHostKey(file: string, host: string, port: number, publicKey: string, options: { hash?: boolean } = {}): void {
  const name = hostEntryName(host, port);
  const field = options.hash ? hashedName(name) : name;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const needsNewline = existsSync(file) && !readFileSync(file, 'utf8').endsWith('\n') && readFileSync(file, 'utf8').length > 0;
  appendFileSync(file, `${needsNewline ? '\n' : ''}${field} ${publicKey.trim()}\n`, { mode: 0o600 });
}

export function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
