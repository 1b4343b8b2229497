import { existsSync, readFileSync } from 'node:fs';
import type ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import type { HopSpec } from './ssh-options.js';

export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** What will be offered, for the authentication error ("key ~/.ssh/id_ed25519, ssh-agent"). */
  offered: string[];
  /** Keys that could not be used, and why (encrypted without an agent, unreadable). */
  skipped: string[];
}

/**
 * The authentication methods for one hop, in OpenSSH's order: the agent's keys (unless IdentitiesOnly),
 * then each identity file. Encrypted keys are left to the agent: the runtime never prompts for, stores
 * or logs a passphrase.
 */
export function planAuth(hop: HopSpec, agent: string | undefined, utils: typeof ssh2.utils): AuthPlan {
  const methods: AnyAuthMethod[] = [];
  const offered: string[] = [];
  const skipped: string[] = [];
  const keys: AnyAuthMethod[] = [];
  let encrypted = false;
  for (const file of hop.identityFiles) {
    if (!existsSync(file)) {
      skipped.push(`${file} (missing)`);
      continue;
    }
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      skipped.push(`${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      continue;
    }
    const parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      const isEncrypted = /encrypted|passphrase/i.test(parsed.message);
      encrypted ||= isEncrypted;
      skipped.push(`${file} (${isEncrypted ? 'encrypted: add it to ssh-agent with ssh-add' : 'not a private key ssh2 can read'})`);
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    keys.push({ type: 'publickey', username: hop.user, key });
    offered.push(`key ${file}`);
  }
  if (agent && (!hop.identitiesOnly || encrypted)) {
    methods.push({ type: 'agent', username: hop.user, agent });
    offered.unshift('ssh-agent');
  }
  methods.push(...keys);
  return { methods, offered, skipped };
}
