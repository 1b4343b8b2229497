import { describe, expect, test } from 'vitest';
import {
  chiSquareSf, chiSquareTest, fillZeroes, jensenShannon, kolmogorovSf, ksPValue, normalTwoSided, psi, zTest,
} from '../../../runtime/data/drift-stats.js';

/** Every way to interleave m reference and n current values, by brute force: the exact KS null distribution. */
function ksBrute(d: number, m: number, n: number): number {
  let hits = 0, total = 0;
  const walk = (i: number, j: number, worst: number) => {
    const here = Math.max(worst, Math.abs(i / m - j / n));
    if (i === m && j === n) { total++; if (here >= d - 1e-12) hits++; return; }
    if (i < m) walk(i + 1, j, here);
    if (j < n) walk(i, j + 1, here);
  };
  walk(0, 0, 0);
  return hits / total;
}

/** Φ by Simpson integration of the density: an independent route to normal tail probabilities. */
function normalTail(z: number): number {
  const f = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const a = Math.abs(z), b = a + 12, n = 20000, h = (b - a) / n;
  let s = f(a) + f(b);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) * f(a + k * h);
  return (s * h) / 3;
}

describe('drift statistics', () => {
  test('exact KS p-values equal brute-force enumeration of interleavings', () => {
    for (const [m, n] of [[3, 3], [4, 5], [5, 7], [6, 6], [2, 9]]) {
      for (let a = 1; a <= m; a++) {
        for (let b = 0; b <= n; b++) {
          const d = Math.abs(a / m - b / n);
          if (d === 0) continue;
          expect(ksPValue(d, m, n), `m=${m} n=${n} d=${d}`).toBeCloseTo(ksBrute(d, m, n), 12);
        }
      }
    }
    // scipy.stats.ks_2samp([1,2,3],[4,5,6]): D = 1, p = 2 / C(6,3) = 0.1.
    expect(ksPValue(1, 3, 3)).toBeCloseTo(0.1, 14);
  });

  test('asymptotic KS above 10,000 values uses the Kolmogorov distribution', () => {
    // The 5% critical value of the Kolmogorov distribution is λ = 1.3580986.
    expect(kolmogorovSf(1.3580986393225505)).toBeCloseTo(0.05, 8);
    const m = 20000, n = 30000, en = Math.sqrt((m * n) / (m + n));
    expect(ksPValue(1.3580986393225505 / en, m, n)).toBeCloseTo(0.05, 8);
  });

  test('chi-square survival matches closed forms for even degrees of freedom', () => {
    for (const x of [0.5, 2, 3.7, 10, 40]) {
      expect(chiSquareSf(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
      expect(chiSquareSf(x, 4)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 12);
      expect(chiSquareSf(x, 6)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2 + (x * x) / 8), 12);
    }
    // Textbook critical values (odd degrees of freedom have no elementary form).
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSf(11.070497693516351, 5)).toBeCloseTo(0.05, 10);
  });

  test("Evidently's chi-square: reference counts scaled to the current size", () => {
    const ref = [50, 30, 20], cur = [40, 40, 40];
    const k = 120 / 100;
    const stat = ref.reduce((s, r, i) => s + (cur[i] - r * k) ** 2 / (r * k), 0);
    expect(chiSquareTest(ref, cur).statistic).toBeCloseTo(stat, 12);
    expect(chiSquareTest(ref, cur).pValue).toBeCloseTo(chiSquareSf(stat, 2), 14);
    // A value the reference never had: infinite statistic, p = 0.
    expect(chiSquareTest([10, 0], [5, 5]).pValue).toBe(0);
  });

  test('two-proportion z test against a numerically integrated normal tail', () => {
    const { statistic, pValue } = zTest(30, 100, 50, 100);
    const p = 0.4;
    const z = (0.3 - 0.5) / Math.sqrt(p * (1 - p) * (2 / 100));
    expect(statistic).toBeCloseTo(z, 12);
    expect(pValue).toBeCloseTo(2 * normalTail(z), 7);
    expect(normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 7);
    expect(zTest(5, 5, 7, 7).pValue).toBe(1);
  });

  test('Jensen–Shannon distance (natural log) and PSI by hand', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.log(2)), 12);
    expect(jensenShannon([0.2, 0.8], [0.2, 0.8])).toBe(0);
    const p = [0.5, 0.5], q = [0.9, 0.1], m = [0.7, 0.3];
    const kl = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * Math.log(x / b[i]), 0);
    expect(jensenShannon(p, q)).toBeCloseTo(Math.sqrt((kl(p, m) + kl(q, m)) / 2), 12);
    // Unnormalised inputs are normalised first, like scipy.
    expect(jensenShannon([5, 5], [9, 1])).toBeCloseTo(jensenShannon(p, q), 12);
    expect(psi([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(-0.4 * Math.log(0.5 / 0.9) + 0.4 * Math.log(0.5 / 0.1), 12);
  });

  test("zero shares are filled as Evidently does before PSI's logarithm", () => {
    expect(fillZeroes([0.5, 0, 0.5])).toEqual([0.5, 0.0001, 0.5]);
    expect(fillZeroes([0.99995, 0.00005, 0])).toEqual([0.99995, 0.00005, 0.00005 / 1e6]);
  });
});
