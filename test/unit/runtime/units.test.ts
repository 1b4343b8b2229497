import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkGates, gateFailures } from '../../../runtime/evaluation/gates.js';
import { computeMetrics } from '../../../runtime/evaluation/metrics.js';
import { Masker } from '../../../runtime/exec/masking.js';
import { applyParams, ParamError, parseParamArgs } from '../../../runtime/exec/params.js';
import { diffReasons } from '../../../runtime/exec/keys.js';
import { reasonsText } from '../../../runtime/exec/events.js';
import { buildGraph } from '../../../runtime/exec/graph.js';
import { select } from '../../../runtime/exec/selection.js';
import { expandGlob } from '../../../runtime/store/glob.js';
import { readJsonl } from '../../../runtime/store/jsonl.js';
import { loadPipeline } from '../../../runtime/pipeline/load.js';

describe('metrics (values from scikit-learn 1.2 on the same arrays)', () => {
  const y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0];
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2, 0.65, 0.7];
  test('classification, with tied scores', () => {
    const m = computeMetrics(['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss'], s, y);
    expect(m.auc).toBeCloseTo(0.76, 12);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.precision).toBeCloseTo(0.75, 12);
    expect(m.recall).toBeCloseTo(0.6, 12);
    expect(m.f1).toBeCloseTo(0.6666666666666665, 12);
    expect(m.log_loss).toBeCloseTo(0.5279527958267277, 12);
  });
  test('regression', () => {
    const m = computeMetrics(['rmse', 'mae', 'r2'], [2.5, 0, 2, 8], [3, -0.5, 2, 7]);
    expect(m.rmse).toBeCloseTo(0.6123724356957945, 12);
    expect(m.mae).toBeCloseTo(0.5, 12);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 12);
  });
  test('problems are errors that say what is wrong', () => {
    expect(() => computeMetrics(['auc'], [0.1, 0.2], [1, 1])).toThrow('auc needs both classes in the labels (got 2 positive, 0 negative)');
    expect(() => computeMetrics(['acc'], [0.1], [1])).toThrow("unknown metric 'acc'");
  });
  test('gates', () => {
    const r = checkGates([{ metric: 'auc', op: '>=', value: 0.8, text: '' }, { metric: 'log_loss', op: '<', value: 1, text: '' }], { auc: 0.7412345, log_loss: 0.5 });
    expect(r.map((g) => g.passed)).toEqual([false, true]);
    expect(gateFailures(r)).toEqual(['gate auc >= 0.8 failed: auc = 0.7412']);
  });
});

describe('params', () => {
  const model = {
    name: 'p', params: [
      { name: 'lr', type: 'float', default: 0.1 }, { name: 'n', type: 'int', default: 2 }, { name: 'on', type: 'bool', default: true },
      { name: 'window', type: 'duration', default: 60_000 }, { name: 'label', type: 'string', default: null },
    ], nodes: [], edges: [], targets: [],
  } as unknown as Parameters<typeof applyParams>[0];
  test('overrides are checked against the declared type', () => {
    expect(applyParams(model, { lr: '0.5', n: '3', on: 'false', window: '2h', label: 'x' }).params).toEqual({ lr: 0.5, n: 3, on: false, window: 7_200_000, label: 'x' });
    expect(() => applyParams(model, { n: '2.5', label: 'x' })).toThrow("param 'n' is an int, got '2.5'");
    expect(() => applyParams(model, { window: '2 hours', label: 'x' })).toThrow("param 'window' is a duration such as 30s, 10m or 2h, got '2 hours'");
    expect(() => applyParams(model, { lbel: 'x' })).toThrow(new ParamError("unknown param 'lbel' — did you mean 'label'? (params: lr, n, on, window, label)"));
    expect(() => applyParams(model, {})).toThrow("param 'label' has no default: give it with --param label=VALUE");
    expect(parseParamArgs(['a=1', 'b=x=y'])).toEqual({ a: '1', b: 'x=y' });
    expect(() => parseParamArgs(['a'])).toThrow('--param takes NAME=VALUE');
  });
});

describe('the graph of the churn sample', async () => {
  const { model } = await loadPipeline('samples/churn/churn.mlpipe');
  const g = buildGraph(model);
  test('executable nodes, their dependencies and inputs', () => {
    expect(g.order).toEqual(['train_data', 'holdout', 'train_rows', 'train', 'evaluate', 'churn_model']);
    expect(Object.fromEntries([...g.nodes.values()].map((n) => [n.id, [n.kind, n.deps]]))).toEqual({
      train_data: ['training_set', []], holdout: ['sql', ['train_data']], train_rows: ['sql', ['train_data']], train: ['node', ['train_rows']],
      evaluate: ['evaluate', ['train', 'holdout']], churn_model: ['model', ['train', 'evaluate']],
    });
    // The training set reads its label source and feature views in place; they still enter its key.
    expect(g.nodes.get('train_data')!.inputs.map((i) => [i.name, i.role, i.origin.type])).toEqual([
      ['churn_labels', 'labels', 'source'], ['activity', 'feature', 'view'], ['profile', 'feature', 'view'],
    ]);
    expect(g.viewInputs.get('activity')!.map((i) => i.name)).toEqual(['events']);
    expect(g.nodes.get('train')!.inputs).toMatchObject([{ name: 'train_rows.rows', origin: { type: 'exec', node: 'train_rows', output: 'rows' } }]);
  });
  test('selection: --step takes ancestors, --from reruns descendants, --force', () => {
    expect([...select(g, { steps: ['train'] }).selected].sort()).toEqual(['train', 'train_data', 'train_rows']);
    const from = select(g, { from: 'train_rows' });
    expect([...from.forced].sort()).toEqual(['churn_model', 'evaluate', 'train', 'train_rows']);
    expect([...from.selected].sort()).toEqual(['churn_model', 'evaluate', 'holdout', 'train', 'train_data', 'train_rows']);
    expect([...select(g, { steps: ['train'], force: true }).forced]).toEqual(['train']);
    expect(() => select(g, { steps: ['trian'] })).toThrow("no step named 'trian' — did you mean 'train'?");
    expect(() => select(g, { steps: ['events'] })).toThrow("'events' is a source, which does not run by itself");
  });
});

describe('why a node reruns', () => {
  const base = { definition: { sql: 'a', outputs: 'o' }, params: { lr: 0.1 }, code: { 'train.py': 'd1' }, inputs: { raw: 'x', 'model:train.model': 'm' }, env: { TOKEN: 'h1' } };
  test('each changed part is named, secrets only by name', () => {
    const now = { definition: { sql: 'b', outputs: 'o' }, params: { lr: 0.2, epochs: 3 }, code: { 'train.py': 'd2' }, inputs: { raw: 'x', 'model:train.model': 'm2' }, env: { TOKEN: 'h2' } };
    const reasons = diffReasons(base, now);
    expect(reasons).toEqual([
      { kind: 'definition', fields: ['sql'] }, { kind: 'param', name: 'epochs', after: 3 }, { kind: 'param', name: 'lr', before: 0.1, after: 0.2 },
      { kind: 'code', file: 'train.py' }, { kind: 'input', input: 'train.model' }, { kind: 'env', name: 'TOKEN' },
    ]);
    expect(reasonsText(reasons)).toBe('definition changed (sql); param epochs changed (unset → 3); param lr changed (0.1 → 0.2); code train.py changed; input train.model changed; env TOKEN changed');
    expect(diffReasons(undefined, base)).toEqual([{ kind: 'new' }]);
    expect(diffReasons(base, base)).toEqual([]);
  });
});

describe('small parts', () => {
  test('masking: secret-named variables and token shapes', () => {
    const m = new Masker([{ DB_PASSWORD: 'hunter2hunter2', HOME: '/root', SHORT_TOKEN: 'abc' }]);
    expect(m.mask('connect with hunter2hunter2 at /root')).toBe('connect with *** at /root');
    expect(m.mask('Authorization: Bearer abcdefghijklmnop1234')).toBe('Authorization: Bearer ***');
    expect(m.mask('key AKIAABCDEFGHIJKLMNOP and abc')).toBe('key *** and abc');
  });

  test('globs match like DuckDB: *, ?, [..] in a name, ** across folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-glob-'));
    for (const f of ['a/x1.csv', 'a/x2.csv', 'a/y.csv', 'a/b/x3.csv', 'a/b/c/x4.csv']) {
      const p = join(dir, f);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, '');
    }
    const rel = (ps: string[]) => ps.map((p) => p.slice(dir.length + 1));
    expect(rel(expandGlob(join(dir, 'a/x*.csv')))).toEqual(['a/x1.csv', 'a/x2.csv']);
    expect(rel(expandGlob(join(dir, 'a/x[2-9].csv')))).toEqual(['a/x2.csv']);
    expect(rel(expandGlob(join(dir, 'a/?.csv')))).toEqual(['a/y.csv']);
    expect(rel(expandGlob(join(dir, 'a/**/x*.csv')))).toEqual(['a/b/c/x4.csv', 'a/b/x3.csv', 'a/x1.csv', 'a/x2.csv']);
    expect(expandGlob(join(dir, 'a/none.csv'))).toEqual([]);
  });

  test('a torn last line (kill -9 while writing) is skipped, everything before it is read', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'mlpipe-jsonl-')), 'x.jsonl');
    writeFileSync(f, '{"a":1}\n{"a":2}\n');
    appendFileSync(f, '{"a":3, "b": "half');
    expect(readJsonl(f)).toEqual({ values: [{ a: 1 }, { a: 2 }], skipped: 1 });
  });
});
