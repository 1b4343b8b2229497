/**
 * Evaluation metrics over scores and labels, with scikit-learn's definitions (tests compare against values
 * computed by hand and by sklearn). Classification metrics read `scores` as the probability of the positive
 * class and threshold it at `threshold` (≥ counts as positive).
 */
export const CLASSIFICATION_METRICS = ['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss'] as const;
export const REGRESSION_METRICS = ['rmse', 'mae', 'r2'] as const;
export const METRICS: readonly string[] = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS];

export class MetricError extends Error {}

export function computeMetrics(names: readonly string[], scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Record<string, number> {
  if (scores.length !== labels.length) throw new MetricError(`${scores.length} scores for ${labels.length} labels`);
  if (!scores.length) throw new MetricError('no rows to evaluate');
  const out: Record<string, number> = {};
  for (const name of names) out[name] = metric(name, scores, labels, threshold);
  return out;
}

function metric(name: string, s: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  switch (name) {
    case 'auc': return rocAuc(s, y);
    case 'accuracy': { const c = confusion(s, y, t); return (c.tp + c.tn) / s.length; }
    case 'precision': { const c = confusion(s, y, t); return c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0; }
    case 'recall': { const c = confusion(s, y, t); return c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0; }
    case 'f1': { const c = confusion(s, y, t); return 2 * c.tp + c.fp + c.fn ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0; }
    case 'log_loss': return logLoss(s, y);
    case 'rmse': { let e = 0; for (let i = 0; i < s.length; i++) e += (s[i] - y[i]) ** 2; return Math.sqrt(e / s.length); }
    case 'mae': { let e = 0; for (let i = 0; i < s.length; i++) e += Math.abs(s[i] - y[i]); return e / s.length; }
    case 'r2': {
      let mean = 0;
      for (let i = 0; i < y.length; i++) mean += y[i];
      mean /= y.length;
      let res = 0;
      let tot = 0;
      for (let i = 0; i < y.length; i++) { res += (y[i] - s[i]) ** 2; tot += (y[i] - mean) ** 2; }
      return tot ? 1 - res / tot : res ? 0 : 1;
    }
    default: throw new MetricError(`unknown metric '${name}' (known: ${METRICS.join(', ')})`);
  }
}

function positive(v: number): boolean {
  return v === 1 || v > 0.5;
}

function confusion(s: ArrayLike<number>, y: ArrayLike<number>, t: number) {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i] >= t;
    const a = positive(y[i]);
    if (p && a) tp++;
    else if (p) fp++;
    else if (a) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** Area under the ROC curve as the Mann–Whitney statistic, ties counted half (sklearn's roc_auc_score). */
function rocAuc(s: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: s.length }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && s[idx[j + 1]] === s[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive(y[idx[k]])) { pos++; rankSum += avgRank; }
    i = j + 1;
  }
  const neg = s.length - pos;
  if (!pos || !neg) throw new MetricError(`auc needs both classes in the labels (got ${pos} positive, ${neg} negative)`);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function logLoss(s: ArrayLike<number>, y: ArrayLike<number>): number {
  const eps = 1e-15;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, s[i]));
    sum += positive(y[i]) ? -Math.log(p) : -Math.log(1 - p);
  }
  return sum / s.length;
}
