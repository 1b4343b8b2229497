import { writeFileSync } from 'node:fs';
import { checkGates, gateFailures, round } from '../../evaluation/gates.js';
import { computeMetrics, MetricError } from '../../evaluation/metrics.js';
import { InputError, requiredColumns } from '../../onnx/feeds.js';
import { OnnxModel } from '../../onnx/session.js';
import { scalarProp } from '../props.js';
import { inputByRole, StepFailure, type KindResult, type StepContext } from '../step-context.js';
import { producedFiles } from './produced.js';
import { readColumns } from './table-io.js';

const BATCH = 65_536;

/**
 * An `evaluate` step: scores the held-out rows with the model (onnxruntime, CPU), computes the metrics
 * and applies the gates. The metrics are the step's output (`metrics.json`), which a `model` block reads
 * to decide registration and promotion. A failed gate fails the step with the numbers.
 */
export async function runEvaluate(ctx: StepContext): Promise<KindResult> {
  const node = ctx.exec.node;
  if (node.kind !== 'step') throw new StepFailure('not an evaluate step', 'error');
  const modelIn = inputByRole(ctx, 'model');
  const dataIn = inputByRole(ctx, 'data');
  if (!modelIn?.path) throw new StepFailure('evaluate needs `model` (a step output or model)', 'error');
  if (!dataIn) throw new StepFailure('evaluate needs `data`', 'error');
  const label = node.label;
  if (!label) throw new StepFailure('evaluate needs `label`', 'error');

  const model = await OnnxModel.load(modelIn.path);
  try {
    const data = await ctx.data.pipelineData(ctx.model, producedFiles(ctx));
    const rel = await ctx.data.relation(dataIn, data, ctx.signal);
    const need = requiredColumns(model.inputs, model.signature.metadata);
    const read = await readColumns(await ctx.data.engine(), rel, need.length ? [...new Set([...need, label])] : '*', { signal: ctx.signal })
      .catch((e: unknown) => { throw new StepFailure(`reading ${dataIn.name}: ${(e as Error).message}`, 'error'); });
    const labelsRaw = read.columns[label];
    if (!labelsRaw) throw new StepFailure(`${dataIn.name} has no label column '${label}'`, 'error');
    // Rows without a label cannot be scored against it.
    const keep: number[] = [];
    for (let i = 0; i < read.rows; i++) if (labelsRaw[i] !== null && labelsRaw[i] !== undefined) keep.push(i);
    if (keep.length < read.rows) ctx.log(`${(read.rows - keep.length).toLocaleString('en-US')} rows without a label were left out`);
    const columns: Record<string, unknown[]> = {};
    for (const [name, values] of Object.entries(read.columns)) if (name !== label || need.includes(label)) columns[name] = keep.map((i) => values[i]);
    const labels = Float64Array.from(keep, (i) => toNumber(labelsRaw[i]));
    const scores = new Float64Array(keep.length);
    for (let start = 0; start < keep.length; start += BATCH) {
      if (ctx.signal.aborted) throw new StepFailure('cancelled', 'cancelled');
      const n = Math.min(BATCH, keep.length - start);
      const batch: Record<string, unknown[]> = {};
      for (const [name, values] of Object.entries(columns)) batch[name] = values.slice(start, start + n);
      const out = await model.run(batch, n).catch((e: unknown) => {
        throw new StepFailure(e instanceof InputError ? `${dataIn.name}: ${e.message}` : `the model failed: ${(e as Error).message}`, 'error');
      });
      scores.set(out.scores, start);
    }
    const binary = labels.every((y) => y === 0 || y === 1);
    const names = node.metrics?.length ? node.metrics : binary ? ['auc', 'accuracy', 'log_loss'] : ['rmse', 'mae', 'r2'];
    const threshold = Number(scalarProp(node, 'threshold', ctx.params) ?? 0.5);
    let metrics: Record<string, number>;
    try {
      metrics = computeMetrics(names, scores, labels, threshold);
    } catch (e) {
      throw new StepFailure(e instanceof MetricError ? e.message : String(e), 'error');
    }
    for (const [k, v] of Object.entries(metrics)) ctx.metric(k, v);
    ctx.log(`${keep.length.toLocaleString('en-US')} rows: ${Object.entries(metrics).map(([k, v]) => `${k} ${round(v)}`).join(', ')}`);
    const gates = checkGates(node.gates, metrics);
    writeFileSync(ctx.outputPath('metrics'), JSON.stringify({ metrics, rows: keep.length, threshold, gates }, null, 2));
    const failed = gateFailures(gates);
    if (failed.length) throw new StepFailure(failed.join('; '), 'gate');
    for (const g of gates) ctx.log(`gate ${g.gate} passed: ${g.metric} = ${round(g.value!)}`);
    return { metrics };
  } finally {
    await model.release();
  }
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  if (Number.isNaN(n)) throw new StepFailure(`label value ${JSON.stringify(v)} is not a number`, 'error');
  return n;
}
