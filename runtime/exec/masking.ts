/**
 * Keeps secrets out of logs, events and the store. Two nets: the values of environment variables whose
 * names say they are secret (from the runtime's environment and the step's `env`), like GitHub Actions'
 * registered secrets; and shapes of well-known tokens (GitHub, AWS, Slack, OpenAI-style keys, JWTs,
 * `Bearer ...`), so a token printed by a library is masked even when it came from elsewhere.
 */
const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;

const TOKEN_SHAPES: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\bhf_[A-Za-z0-9]{20,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g,
];

export const MASK = '***';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export class Masker {
  private readonly values: string[];

  constructor(envs: Record<string, string | undefined>[]) {
    const found = new Set<string>();
    for (const env of envs) {
      for (const [name, value] of Object.entries(env)) {
        // Short values ("1", "true") would mask ordinary text; real secrets are longer.
        if (value && value.length >= 6 && isSecretName(name)) found.add(value);
      }
    }
    // Longest first, so a secret containing another is masked whole.
    this.values = [...found].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(MASK);
    for (const re of TOKEN_SHAPES) {
      re.lastIndex = 0;
      if (re.test(out)) {
        re.lastIndex = 0;
        out = out.replace(re, (_m, prefix: unknown) => (typeof prefix === 'string' && /^Bearer/.test(prefix) ? `${prefix}${MASK}` : MASK));
      }
    }
    return out;
  }
}
