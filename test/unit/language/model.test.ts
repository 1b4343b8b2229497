import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { analyze } from '../../../language-server/analysis/analysis.js';
import type { StepNode, SourceNode, TrainingSetNode, FeatureViewNode, DeployNode } from '../../../language-server/model/pipeline-model.js';
import { parse } from './parse-helper.js';

async function churn() {
  const { root } = await parse(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
  return analyze(root).model;
}

describe('PipelineModel extraction', () => {
  test('nodes of every kind, in file order, with the pipeline name', async () => {
    const m = await churn();
    expect(m.name).toBe('churn');
    expect(m.description).toBe('Predict cancellations in the next 30 days');
    const kinds = new Set(m.nodes.map((n) => n.kind));
    expect([...kinds].sort()).toEqual(['deploy', 'features', 'model', 'monitor', 'source', 'step', 'training_set']);
    expect(m.targets.map((t) => `${t.name}:${t.kind}`)).toEqual(['laptop:local', 'gpu:ssh', 'cluster:slurm']);
  });

  test('params with types and defaults, resolved into step params', async () => {
    const m = await churn();
    expect(m.params.find((p) => p.name === 'learning_rate')).toMatchObject({ type: 'float', default: 0.05, description: 'Step size of gradient descent' });
    const train = m.nodes.find((n) => n.id === 'train') as StepNode;
    expect(train.params).toEqual({ lr: 0.05, epochs: 200 });
    expect(train.paramRefs).toEqual({ lr: 'learning_rate', epochs: 'epochs' });
    expect(train.resources).toEqual({ cpus: 1, memoryBytes: 2e9, timeoutMs: 600_000 });
    expect(train.retries).toBe(1);
    expect(train.target).toBe('laptop');
    expect(train.outputs).toEqual([{ name: 'model', path: 'model.onnx' }]);
  });

  test('expectations become typed checks with their source text', async () => {
    const m = await churn();
    const customers = m.nodes.find((n) => n.id === 'customers') as SourceNode;
    const between = customers.expectations.find((e) => e.kind === 'between')!;
    expect(between).toMatchObject({ column: 'age', min: 18, max: 120, mostly: 0.99, severity: 'error', text: 'age between 18 and 120', id: 'customers#2' });
    expect(customers.expectations.find((e) => e.kind === 'in_set')?.values).toEqual(['free', 'pro', 'team']);
    expect(customers.expectations.find((e) => e.kind === 'matches')).toMatchObject({ pattern: '^[A-Z]{2}$', severity: 'warning' });
    expect(customers.expectations.find((e) => e.kind === 'row_count')).toMatchObject({ min: 100, max: 10000000 });
    const events = m.nodes.find((n) => n.id === 'events') as SourceNode;
    expect(events.expectations.find((e) => e.kind === 'values_in')?.ref).toEqual({ node: 'customers', member: 'customer_id' });
    expect(events.expectations.find((e) => e.kind === 'freshness')).toMatchObject({ column: 'event_at', maxAgeMs: 3650 * 86_400_000 });
    expect(events.expectations.find((e) => e.kind === 'mean_between')).toMatchObject({ column: 'amount', min: 0, max: 500 });
    expect(customers.schema?.find((c) => c.name === 'age')?.type).toBe('int');
  });

  test('feature views, training sets and deployments', async () => {
    const m = await churn();
    const activity = m.nodes.find((n) => n.id === 'activity') as FeatureViewNode;
    expect(activity).toMatchObject({ entity: ['customer_id'], timestamp: 'event_at', ttlMs: 30 * 86_400_000, from: { node: 'events' } });
    expect(activity.features.map((f) => f.name)).toEqual(['events_30d', 'spend_30d']);
    expect(activity.sql).toMatch(/^select customer_id, event_at,\n/);
    const ts = m.nodes.find((n) => n.id === 'train_data') as TrainingSetNode;
    expect(ts.features).toContainEqual({ node: 'activity', member: 'events_30d' });
    expect(ts).toMatchObject({ labels: { node: 'churn_labels' }, labelTime: 'label_at', entity: ['customer_id'], label: 'churned' });
    expect(m.nodes.find((n) => n.id === 'churn_api') as DeployNode).toMatchObject({ model: 'churn_model', alias: 'champion', port: 8080 });
  });

  test('edges follow references, with step outputs as ports, no duplicates', async () => {
    const m = await churn();
    const has = (from: string, to: string, role: string, fromPort?: string) => m.edges.some((e) => e.from === from && e.to === to && e.role === role && e.fromPort === fromPort);
    expect(has('events', 'activity', 'from')).toBe(true);
    expect(has('activity', 'train_data', 'feature')).toBe(true);
    expect(has('train', 'evaluate', 'model', 'model')).toBe(true);
    expect(has('churn_model', 'churn_api', 'model')).toBe(true);
    expect(has('evaluate', 'churn_model', 'evaluation')).toBe(true);
    expect(m.edges.filter((e) => e.from === 'activity' && e.to === 'train_data')).toHaveLength(1);
  });

  test('the model is plain JSON (no AST nodes, no cycles)', async () => {
    const m = await churn();
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  test('a step with one output can be referenced by its name alone', async () => {
    const { root } = await parse('pipeline p {\n step t: shell { command "x"\n outputs { model: "m.onnx" } }\n model m { from t }\n}');
    const model = analyze(root).model.nodes.find((n) => n.kind === 'model');
    expect(model).toMatchObject({ from: { node: 't', member: 'model' } });
  });

  test('a broken file still yields a partial model', async () => {
    const { root } = await parse('pipeline p {\n source a { path "a.csv" }\n step s: shell { command \n}');
    const model = analyze(root).model;
    expect(model.nodes.map((n) => n.id)).toContain('a');
  });
});
