/** Seeded mutations of source text: the token- and line-level damage people do while typing. */
export { prng } from '../../prng.js';

const TOKEN = /"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+[A-Za-z]*|\S/g;

export function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const ops = 1 + Math.floor(rand() * 3);
  let out = text;
  for (let k = 0; k < ops; k++) {
    const kind = Math.floor(rand() * 6);
    if (kind < 3) {
      const tokens = [...out.matchAll(TOKEN)];
      if (!tokens.length) continue;
      const t = pick(tokens);
      const start = t.index!;
      const end = start + t[0].length;
      if (kind === 0) out = out.slice(0, start) + out.slice(end); // delete a token
      else if (kind === 1) out = out.slice(0, end) + ' ' + t[0] + out.slice(end); // duplicate it
      else {
        const u = pick(tokens); // swap with another token
        const [a, b] = u.index! < start ? [u, t] : [t, u];
        if (a.index! + a[0].length > b.index!) continue;
        out = out.slice(0, a.index!) + b[0] + out.slice(a.index! + a[0].length, b.index!) + a[0] + out.slice(b.index! + b[0].length);
      }
    } else {
      const lines = out.split('\n');
      const i = Math.floor(rand() * lines.length);
      if (kind === 3) lines.splice(i, 1);
      else if (kind === 4) lines.splice(i, 0, lines[i]);
      else {
        const j = Math.floor(rand() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      out = lines.join('\n');
    }
  }
  return out;
}
