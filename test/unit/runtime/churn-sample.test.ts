import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DataEngine } from '../../../runtime/data/engine.js';
import type { RunEvent } from '../../../runtime/exec/events.js';
import { mlpipe } from '../cli/run-cli.js';
import { startCli, tempWorkspace, until } from './helpers.js';

// The churn sample end to end through the real CLI, as a user would run it on a fresh machine with only
// Node: generate data → training set → train (Node step writing ONNX) → evaluate with gates → register →
// promote → score → serve → deploy → rollback. Then the scikit-learn variant (Debian's python3-sklearn).

const t = tempWorkspace('mlpipe-churn-');
for (const f of ['churn.mlpipe', 'churn-sklearn.mlpipe', 'generate-data.mjs', 'steps']) cpSync(join('samples/churn', f), t.path(f), { recursive: true });
execFileSync(process.execPath, [t.path('generate-data.mjs')], { stdio: 'ignore' });

const cli = (...args: string[]) => mlpipe(args, t.dir);
const json = (...args: string[]) => {
  const r = cli(...args, '--json');
  if (r.code !== 0) throw new Error(`mlpipe ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const events = (stdout: string): RunEvent[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
const steps = (evs: RunEvent[], type: RunEvent['type']) => evs.filter((e) => e.type === type).map((e) => (e as { step: string }).step).sort();

const hasSklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn, onnx'], { stdio: 'ignore' }).status === 0;

describe('churn sample', () => {
  test('train runs everything up to registration; the model passes its gate and becomes the candidate', () => {
    const r = cli('train', 'churn.mlpipe', '--json-events');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const evs = events(r.stdout);
    expect(steps(evs, 'step_finished')).toEqual(['churn_model', 'evaluate', 'holdout', 'train', 'train_data', 'train_rows']);
    const loss = evs.filter((e): e is Extract<RunEvent, { type: 'step_metric' }> => e.type === 'step_metric' && e.step === 'train').flatMap((e) => e.points);
    expect(loss).toHaveLength(200);
    expect(loss[199].value).toBeLessThan(loss[0].value);
    const evaluate = evs.find((e): e is Extract<RunEvent, { type: 'step_finished' }> => e.type === 'step_finished' && e.step === 'evaluate')!;
    expect(evaluate.metrics.auc).toBeGreaterThan(0.7);
    expect(evs.find((e) => e.type === 'model_registered')).toMatchObject({ model: 'churn_model', version: 1, created: true, aliases: ['candidate'], gates: [{ metric: 'auc', passed: true }] });
    const models = json('models', 'list').models;
    expect(models).toMatchObject([{ name: 'churn_model', versions: 1, aliases: { candidate: 1 } }]);
  });

  test('a rerun is fully cached; a new learning rate reruns only training and what follows', () => {
    expect(steps(events(cli('run', 'churn.mlpipe', '--json-events').stdout), 'step_cached')).toEqual(['churn_model', 'evaluate', 'holdout', 'train', 'train_data', 'train_rows']);
    const r = cli('run', 'churn.mlpipe', '--json-events', '--param', 'learning_rate=0.5', '--param', 'epochs=300');
    expect(r.code).toBe(0);
    const evs = events(r.stdout);
    expect(steps(evs, 'step_finished')).toEqual(['churn_model', 'evaluate', 'train']);
    expect(steps(evs, 'step_cached')).toEqual(['holdout', 'train_data', 'train_rows']);
    expect(evs.find((e) => e.type === 'step_started' && e.step === 'train')).toMatchObject({ why: 'param epochs changed (200 → 300); param lr changed (0.05 → 0.5)' });
    expect(json('models', 'show', 'churn_model').aliases).toEqual({ candidate: 2 });
  });

  test('a gate that fails fails the evaluate step with the numbers and registers nothing', () => {
    const r = cli('run', 'churn.mlpipe', '--json-events', '--param', 'min_auc=0.99');
    expect(r.code).toBe(1);
    const evs = events(r.stdout);
    const failed = evs.find((e): e is Extract<RunEvent, { type: 'step_failed' }> => e.type === 'step_failed')!;
    expect(failed).toMatchObject({ step: 'evaluate', reason: 'gate' });
    expect(failed.error).toMatch(/^gate auc >= 0\.99 failed: auc = 0\.7\d+$/);
    expect(evs.find((e) => e.type === 'step_skipped')).toMatchObject({ step: 'churn_model', why: 'upstream evaluate failed' });
  });

  test('promotion checks the gates, records who and why; a stricter gate refuses; rollback moves the alias back', () => {
    const p1 = json('models', 'promote', 'churn_model', '1', '--alias', 'champion', '--reason', 'first champion');
    expect(p1).toMatchObject({ version: 1, gates: [{ metric: 'auc', passed: true }], changes: [{ alias: 'champion', version: 1 }] });
    t.write('strict.mlpipe', cli('fmt', 'churn.mlpipe').stdout.replace('min_auc: float = 0.70', 'min_auc: float = 0.99'));
    const refused = cli('models', 'promote', 'churn_model', 'candidate', '--pipeline', 'strict.mlpipe');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/churn_model version 2 was not promoted: gate auc >= 0\.99 failed: auc = 0\.7\d+/);
    expect(json('models', 'promote', 'churn_model', 'candidate', '--reason', 'better auc').changes).toMatchObject([{ alias: 'champion', version: 2, previous: 1 }]);
    const history = json('models', 'history', 'churn_model').history;
    expect(history.map((e: { action: string }) => e.action)).toEqual(['register', 'alias', 'register', 'alias', 'alias', 'promote-refused', 'alias']);
    expect(history.at(-1)).toMatchObject({ alias: 'champion', version: 2, why: 'better auc', who: expect.any(String) });
    expect(json('models', 'rollback', 'churn_model', '--reason', 'canary errors')).toMatchObject({ alias: 'champion', version: 1, previous: 2 });
    expect(json('models', 'show', 'churn_model').aliases).toEqual({ candidate: 2, champion: 1 });
  });

  test('score writes every input row with its prediction', async () => {
    const r = cli('score', 'churn_model@champion', '.mlpipe/outputs/churn/holdout/holdout.parquet', '--out', 'scored.parquet');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^scored 803 rows with churn_model version 1 → .*scored\.parquet/);
    const engine = await DataEngine.open({ roots: [t.dir] });
    try {
      const [row] = await engine.rows(`SELECT count(*) AS n, min(prediction) AS lo, max(prediction) AS hi, count(DISTINCT customer_id) AS ids FROM read_parquet('${t.path('scored.parquet')}')`);
      expect(row.n).toBe(803);
      expect(row.lo as number).toBeGreaterThan(0);
      expect(row.hi as number).toBeLessThan(1);
    } finally {
      engine.close();
    }
    expect(cli('score', 'churn_model@champion', 'data/customers.csv', '--out', 'x.parquet')).toMatchObject({
      code: 2, stderr: expect.stringContaining('data/customers.csv lacks columns the model needs: events_30d, spend_30d'),
    });
  });

  test('serve answers real HTTP requests until stopped', async () => {
    const server = startCli(['serve', 'churn_model@champion', '--port', '0'], t.dir);
    afterAll(() => server.child.kill('SIGKILL'));
    await until(() => server.lines.some((l) => l.startsWith('serving ')), 30_000, 'the server to listen');
    const url = /at (http:\/\/\S+)/.exec(server.lines[0])![1];
    const post = (body: unknown) => fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const good = await post({ dataframe_split: { columns: ['events_30d', 'spend_30d', 'age', 'plan'], data: [[3, 40.5, 31, 'pro'], [null, null, 60, 'free']] } });
    expect(good.status).toBe(200);
    const preds = ((await good.json()) as { predictions: number[] }).predictions;
    expect(preds).toHaveLength(2);
    for (const p of preds) expect(p > 0 && p < 1).toBe(true);
    const bad = await post({ dataframe_records: [{ events_30d: 1 }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("missing column 'spend_30d'");
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('mlpipe_requests_total{path="/invocations",code="400"} 1');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('deploy promotes the candidate through the gates (--no-serve for CI)', () => {
    const lowered = cli('deploy', 'churn.mlpipe', 'churn_api', '--no-serve', '--param', 'min_auc=0');
    expect(lowered.code).toBe(2);
    expect(lowered.stderr).toContain("'--param'");
    const r = cli('deploy', 'churn.mlpipe', 'churn_api', '--no-serve');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('churn_model@champion → version 2');
    expect(json('models', 'show', 'churn_model').aliases.champion).toBe(2);
  });

  test.skipIf(!hasSklearn && !process.env.CI)('the scikit-learn variant trains in Python, reuses the shared steps from the cache and registers a challenger', () => {
    const r = cli('train', 'churn-sklearn.mlpipe', '--json-events');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const evs = events(r.stdout);
    // The training set and splits are the same nodes with the same keys: shared through the cache.
    expect(steps(evs, 'step_cached')).toEqual(['holdout', 'train_data', 'train_rows']);
    expect(steps(evs, 'step_finished')).toEqual(['churn_model', 'evaluate', 'train']);
    expect(evs.find((e) => e.type === 'model_registered')).toMatchObject({ model: 'churn_model', version: 3, aliases: ['challenger'] });
    expect(evs.filter((e) => e.type === 'step_metric' && e.step === 'train').length).toBeGreaterThan(0);
  });
});
