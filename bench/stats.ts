/** Timing helpers shared by the benchmarks. Every figure is printed as one JSON line. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function timeMany(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export interface Figure {
  bench: string;
  metric: string;
  unit: 'ms' | 'MB' | 'ops/s' | 'req/s';
  value: number;
  reference?: { what: string; value: number };
  ratio?: number;
  target?: string;
  [extra: string]: unknown;
}

export function report(f: Figure): void {
  const round = (x: number) => Math.round(x * 100) / 100;
  const out: Figure = { ...f, value: round(f.value) };
  if (f.reference) {
    out.reference = { ...f.reference, value: round(f.reference.value) };
    out.ratio = round(f.value / f.reference.value);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
