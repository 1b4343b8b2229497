import type { KindResult, StepContext } from '../step-context.js';
import { producedFiles } from './produced.js';

/** Materialises a training set: the point-in-time join of its labels and features, as Parquet. */
export async function runTrainingSet(ctx: StepContext): Promise<KindResult> {
  const data = await ctx.data.pipelineData(ctx.model, producedFiles(ctx));
  const r = await data.trainingSet(ctx.exec.id, { out: ctx.outputPath('rows'), limit: 0, signal: ctx.signal });
  const s = r.stats;
  ctx.log(`${ctx.exec.id}: ${s.label_rows.toLocaleString('en-US')} label rows joined point-in-time`);
  for (const v of s.views) {
    ctx.log(`  ${v.view}: ${v.matched.toLocaleString('en-US')} matched, ${v.no_match.toLocaleString('en-US')} with no earlier row, ` +
      `${v.expired_by_ttl.toLocaleString('en-US')} older than the ttl; leakage guard: ${v.labels_with_future_rows.toLocaleString('en-US')} label rows had later rows` +
      (v.future_rows_excluded === null ? '' : ` (${v.future_rows_excluded.toLocaleString('en-US')} future rows excluded)`));
  }
  // Null rates and join statistics stay in the result's facts, not among the run's metrics.
  return { metrics: { rows: s.label_rows }, extra: { stats: s } };
}
