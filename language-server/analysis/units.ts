/** Durations, sizes and string literals as written in `.mlpipe` files. */

const DURATION_MS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};

const SIZE_BYTES: Record<string, number> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
};

/** `30d` → 2592000000; undefined when the text is not a duration. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_MS[m[2]] : undefined;
}

/** `16GB` → 16e9; undefined when the text is not a size. */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * SIZE_BYTES[m[2]]) : undefined;
}

/** The shortest exact way to write a number of milliseconds, e.g. 7200000 → `2h`. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const n = ms / DURATION_MS[unit];
    if (Number.isInteger(n) && n > 0) return `${n}${unit}`;
  }
  return `${ms}ms`;
}

/** The value of a `"""..."""` block: common indentation and the blank first/last lines removed. */
export function textBlockValue(text: string): string {
  const body = text.slice(3, -3);
  const lines = body.split(/\r?\n/);
  if (lines.length > 1 && lines[0].trim() === '') lines.shift();
  if (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}
