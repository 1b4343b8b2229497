import { gammaln } from 'simple-statistics';

/**
 * The small-array mathematics of drift: p-values and distances from counts or ECDF summaries that DuckDB
 * computed. Each function mirrors the SciPy/Evidently routine named in its comment.
 */

/** Upper regularised incomplete gamma Q(a, x) (Numerical Recipes `gammq`: series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const lnPre = -x + a * Math.log(x) - gammaln(a);
  if (x < a + 1) {
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(lnPre);
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(lnPre) * h;
}

/** P(χ²_df ≥ stat), as scipy.stats.chi2.sf. */
export function chiSquareSf(stat: number, df: number): number {
  return df <= 0 ? NaN : gammaQ(df / 2, stat / 2);
}

/** erfc with relative error < 1.2e-7 everywhere (Numerical Recipes `erfcc`), so small tail p-values stay accurate. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic: 2 (1 − Φ(|z|)). */
export function normalTwoSided(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Kolmogorov's limiting distribution: P(K > λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²) (scipy.stats.kstwobign.sf). */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 0.2) return 1; // the series needs many terms here and the value is 1 to double precision
  let sum = 0;
  for (let k = 1; k <= 200; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * Two-sided two-sample KS p-value for statistic d with sample sizes m, n, like scipy.stats.ks_2samp's
 * `method='auto'`: exact when both samples have at most 10,000 values (the probability that a uniformly
 * random interleaving of the two samples keeps |i/m − j/n| below d, counted on the lattice), otherwise
 * the asymptotic Kolmogorov distribution at √(mn/(m+n))·d.
 */
export function ksPValue(d: number, m: number, n: number): number {
  if (m === 0 || n === 0) return NaN;
  if (d <= 0) return 1;
  if (Math.max(m, n) <= 10_000) return ksExact(d, m, n);
  return kolmogorovSf(Math.sqrt((m * n) / (m + n)) * d);
}

function ksExact(d: number, m: number, n: number): number {
  // D is a multiple of 1/(mn); compare integers to avoid rounding at the boundary.
  const h = Math.round(d * m * n);
  const inside = (i: number, j: number) => Math.abs(i * n - j * m) < h;
  // prob[j] = P(path passes through (i, j) having stayed inside); a uniformly random interleaving steps
  // to i+1 with probability (m−i)/((m−i)+(n−j)).
  let prob = new Float64Array(n + 1);
  prob[0] = 1;
  for (let j = 1; j <= n; j++) prob[j] = inside(0, j) ? prob[j - 1] * ((n - j + 1) / (m + n - j + 1)) : 0;
  for (let i = 1; i <= m; i++) {
    const next = new Float64Array(n + 1);
    for (let j = 0; j <= n; j++) {
      if (!inside(i, j)) continue;
      const fromLeft = prob[j] * ((m - i + 1) / (m - i + 1 + n - j)); // step in i from (i−1, j)
      const fromBelow = j > 0 ? next[j - 1] * ((n - j + 1) / (m - i + n - j + 1)) : 0; // step in j from (i, j−1)
      next[j] = fromLeft + fromBelow;
    }
    prob = next;
  }
  return Math.min(1, Math.max(0, 1 - prob[n]));
}

/**
 * Evidently's chi-square test: expected counts are the reference counts scaled to the current size;
 * scipy.stats.chisquare with k − 1 degrees of freedom. A category absent from the reference but present
 * now makes the statistic infinite (p = 0).
 */
export function chiSquareTest(reference: number[], current: number[]): { statistic: number; pValue: number } {
  const nRef = reference.reduce((a, b) => a + b, 0);
  const nCur = current.reduce((a, b) => a + b, 0);
  const k = nCur / nRef;
  let stat = 0;
  for (let i = 0; i < reference.length; i++) {
    const expected = reference[i] * k;
    if (expected === 0) { if (current[i] > 0) stat = Infinity; continue; }
    stat += (current[i] - expected) ** 2 / expected;
  }
  return { statistic: stat, pValue: Number.isFinite(stat) ? chiSquareSf(stat, reference.length - 1) : 0 };
}

/**
 * Evidently's two-proportion Z test on the share of one category (the first key) in each sample; p = 1
 * when both samples hold the same single value.
 */
export function zTest(refHits: number, refN: number, curHits: number, curN: number): { statistic: number; pValue: number } {
  const p1 = refHits / refN, p2 = curHits / curN;
  const p = (refHits + curHits) / (refN + curN);
  const se = Math.sqrt(p * (1 - p) * (1 / refN + 1 / curN));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { statistic: z, pValue: normalTwoSided(z) };
}

/** scipy.spatial.distance.jensenshannon (natural log): √((KL(p‖m) + KL(q‖m)) / 2), p and q normalised first. */
export function jensenShannon(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0), sq = q.reduce((a, b) => a + b, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/** Evidently's PSI: Σ (ref% − cur%) · ln(ref% / cur%) over shares with zeros already replaced. */
export function psi(refPercents: number[], curPercents: number[]): number {
  let s = 0;
  for (let i = 0; i < refPercents.length; i++) s += (refPercents[i] - curPercents[i]) * Math.log(refPercents[i] / curPercents[i]);
  return s;
}

/**
 * Evidently's `get_binned_data(..., feel_zeroes=True)`: empty shares become a small positive number so
 * that PSI's logarithm stays finite (min non-zero share / 10⁶ when that is ≤ 0.0001, else 0.0001).
 */
export function fillZeroes(percents: number[]): number[] {
  const nonZero = percents.filter((x) => x !== 0);
  if (!nonZero.length) return percents;
  const min = Math.min(...nonZero);
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  return percents.map((x) => (x === 0 ? fill : x));
}
