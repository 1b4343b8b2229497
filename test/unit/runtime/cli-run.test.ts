import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RUN_EVENT_TYPES, type RunEvent } from '../../../runtime/exec/events.js';
import { readJsonl } from '../../../runtime/store/jsonl.js';
import { mlpipe } from '../cli/run-cli.js';
import { leftovers, startCli, tempWorkspace, until } from './helpers.js';

// The real `mlpipe` executable in child processes: the event-stream contract, exit codes, two runs at
// once, and a run killed with SIGKILL in the middle.

const events = (lines: string[]): RunEvent[] => lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as RunEvent);

describe('mlpipe run --json-events', () => {
  const t = tempWorkspace();
  t.write('p.mlpipe', `pipeline p {
  param greeting: string = "hello"
  step say: shell {
    command "echo $MLPIPE_PARAM_GREETING > $MLPIPE_OUTPUT_OUT"
    outputs { out: "said.txt" }
    params { greeting: greeting }
  }
  step count: node {
    script "count.mjs"
    inputs [say.out]
  }
}
`);
  t.write('count.mjs', `import * as mlpipe from 'mlpipe/sdk';
import { readFileSync } from 'node:fs';
const text = readFileSync(mlpipe.inputPath('say.out'), 'utf8');
for (let i = 0; i < 100; i++) mlpipe.logMetric('loss', 1 / (i + 1), i);
mlpipe.logParams({ words: text.trim().split(' ').length });
console.log('read', text.trim());
`);

  test('prints only the documented events, one JSON object per line, and exits 0', () => {
    const r = mlpipe(['run', 'p.mlpipe', '--json-events'], t.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const evs = events(r.stdout.split('\n'));
    expect(evs.every((e) => RUN_EVENT_TYPES.includes(e.type) && typeof e.runId === 'string' && typeof e.ts === 'number')).toBe(true);
    expect(evs[0].type).toBe('run_started');
    expect(evs[evs.length - 1]).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    const metrics = evs.filter((e): e is Extract<RunEvent, { type: 'step_metric' }> => e.type === 'step_metric').flatMap((e) => e.points);
    expect(metrics).toHaveLength(100);
    expect(metrics[99]).toMatchObject({ key: 'loss', value: 0.01, step: 99 });
    expect(evs).toContainEqual(expect.objectContaining({ type: 'step_log', step: 'count', line: 'read hello', stream: 'stdout' }));
    expect(evs).toContainEqual(expect.objectContaining({ type: 'step_params', step: 'count', params: { words: 1 } }));
    // The store has the same story: every event but log lines, in the run's folder.
    const runId = evs[0].runId;
    const stored = readJsonl<RunEvent>(join(t.dir, '.mlpipe', 'runs', runId, 'events.jsonl')).values;
    expect(stored.map((e) => e.type)).toEqual(evs.filter((e) => e.type !== 'step_log').map((e) => e.type));
    expect(readFileSync(join(t.dir, '.mlpipe', 'runs', runId, 'logs', 'count.1.log'), 'utf8')).toBe('read hello\n');
  });

  test('runs list/show/compare read what runs wrote', () => {
    expect(mlpipe(['run', 'p.mlpipe', '--param', 'greeting=hi there', '--quiet'], t.dir).code).toBe(0);
    const list = JSON.parse(mlpipe(['runs', 'list', '--json'], t.dir).stdout) as { runs: { id: string; status: string; params: Record<string, unknown> }[] };
    expect(list.runs.map((r) => [r.status, r.params.greeting])).toEqual([['succeeded', 'hi there'], ['succeeded', 'hello']]);
    const show = JSON.parse(mlpipe(['runs', 'show', 'latest', '--json'], t.dir).stdout);
    expect(show.nodes.map((n: { step: string; status: string }) => [n.step, n.status])).toEqual([['say', 'succeeded'], ['count', 'succeeded']]);
    expect(show.history['count.loss']).toHaveLength(100);
    expect(show.loggedParams).toEqual({ 'count.words': 2 });
    expect(show.lineage.pipelineDigest).toMatch(/^[0-9a-f]{64}$/);
    const [newer, older] = list.runs.map((r) => r.id);
    const cmp = JSON.parse(mlpipe(['runs', 'compare', older, newer, '--json'], t.dir).stdout);
    expect(cmp.params.greeting).toEqual(['hello', 'hi there']);
    expect(cmp.differs.params).toEqual(['count.words', 'greeting']);
    expect(cmp.history[1]['count.loss']).toHaveLength(100);
    expect(mlpipe(['runs', 'show', 'nope'], t.dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("no run 'nope'") });
  });

  test('exit 1 with file:line:col when the pipeline has errors; exit 2 for a bad param or step', () => {
    t.write('bad.mlpipe', 'pipeline b {\n  step s: shell {\n    command "true"\n    inputs [nothing]\n  }\n}\n');
    const bad = mlpipe(['run', 'bad.mlpipe'], t.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.mlpipe:4:13: error unresolved-reference');
    expect(existsSync(join(t.dir, '.mlpipe', 'runs', 'index.jsonl')) && readFileSync(join(t.dir, '.mlpipe', 'runs', 'index.jsonl'), 'utf8').includes('"pipeline":"b"')).toBe(false);
    expect(mlpipe(['run', 'p.mlpipe', '--param', 'greting=x'], t.dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown param 'greting' — did you mean 'greeting'?") });
    expect(mlpipe(['run', 'p.mlpipe', '--step', 'cuont'], t.dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("no step named 'cuont' — did you mean 'count'?") });
  });

  test('plan prints what would run and why, and runs nothing', () => {
    const r = mlpipe(['plan', 'p.mlpipe', '--param', 'greeting=bye', '--json'], t.dir);
    expect(r.code).toBe(0);
    const nodes = JSON.parse(r.stdout).nodes;
    expect(nodes.map((n: { step: string; action: string; why: string }) => [n.step, n.action, n.why])).toEqual([
      ['say', 'run', 'param greeting changed ("hi there" → "bye")'],
      ['count', 'pending', 'after say'],
    ]);
  });
});

describe('runs at once and runs killed', () => {
  const t = tempWorkspace();
  t.write('p.mlpipe', `pipeline k {
  step a: shell {
    command "echo a > $MLPIPE_OUTPUT_OUT"
    outputs { out: "a.txt" }
  }
  step b: shell {
    command "while [ ! -e go ]; do sleep 0.05; done; cat $MLPIPE_INPUT_A_OUT > $MLPIPE_OUTPUT_OUT; echo b >> $MLPIPE_OUTPUT_OUT"
    inputs [a.out]
    outputs { out: "b.txt" }
  }
  step c: shell {
    command "echo c > $MLPIPE_OUTPUT_OUT"
    outputs { out: "c.txt" }
  }
}
`);

  test('two runs of one pipeline at once both succeed and share the cache', async () => {
    t.write('go', '');
    const one = startCli(['run', 'p.mlpipe', '--json-events'], t.dir);
    const two = startCli(['run', 'p.mlpipe', '--json-events'], t.dir);
    expect(await one.exited).toBe(0);
    expect(await two.exited).toBe(0);
    for (const r of [one, two]) {
      const evs = events(r.lines);
      expect(evs[evs.length - 1]).toMatchObject({ type: 'run_finished', status: 'succeeded' });
      // Each node either ran or came from the other run's cache entry.
      expect(evs.filter((e) => e.type === 'step_finished' || e.type === 'step_cached').map((e) => (e as { step: string }).step).sort()).toEqual(['a', 'b', 'c']);
    }
    const list = JSON.parse(mlpipe(['runs', 'list', '--json'], t.dir).stdout).runs;
    expect(list.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
    const finished = events(two.lines).find((e) => e.type === 'step_finished' || e.type === 'step_cached') as { outputs: Record<string, { path: string }> };
    expect(readFileSync(Object.values(finished.outputs)[0].path, 'utf8')).toMatch(/^[abc]\n/);
  });

  test('kill -9 in the middle: the run shows as interrupted, cancel ends its leftover step, a rerun reuses finished steps', async () => {
    t.write('p.mlpipe', readFileSync(t.path('p.mlpipe'), 'utf8').replace('echo a >', 'echo a2 >').replace('echo c >', 'echo c2 >'));
    (await import('node:fs')).rmSync(t.path('go'));
    const cli = startCli(['run', 'p.mlpipe', '--json-events', '--parallel', '1'], t.dir);
    await until(() => events(cli.lines).some((e) => e.type === 'step_started' && e.step === 'b'), 20_000, 'step b to start');
    const runId = events(cli.lines)[0].runId;
    const finishedBeforeKill = events(cli.lines).filter((e) => e.type === 'step_finished').map((e) => (e as { step: string }).step);
    expect(finishedBeforeKill).toContain('a');
    cli.child.kill('SIGKILL');
    await cli.exited;

    const runs = JSON.parse(mlpipe(['runs', 'list', '--json'], t.dir).stdout).runs;
    expect(runs[0]).toMatchObject({ id: runId, status: 'interrupted' });
    // The step was detached from the CLI (so a later `attach` can adopt it): it is still there.
    expect(leftovers(runId).length).toBeGreaterThan(0);
    const cancel = mlpipe(['runs', 'cancel', runId], t.dir);
    expect(cancel).toMatchObject({ code: 0 });
    expect(cancel.stdout).toMatch(/cancelled \(\d+ leftover step process(es)? ended\)/);
    expect(leftovers(runId)).toEqual([]);
    expect(JSON.parse(mlpipe(['runs', 'show', runId, '--json'], t.dir).stdout).status).toBe('cancelled');

    t.write('go', '');
    const again = startCli(['run', 'p.mlpipe', '--json-events'], t.dir);
    expect(await again.exited).toBe(0);
    const evs = events(again.lines);
    const cached = evs.filter((e) => e.type === 'step_cached').map((e) => (e as { step: string }).step);
    for (const s of finishedBeforeKill) expect(cached).toContain(s);
    expect(evs.filter((e) => e.type === 'step_finished').map((e) => (e as { step: string }).step)).toContain('b');
  });
});
