import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cacheReport, collectGarbage, CacheBusy } from '../../../runtime/exec/cache-gc.js';
import { processStartTime } from '../../../runtime/exec/process-tree.js';
import { storePaths } from '../../../runtime/store/workspace.js';
import { readIndex } from '../../../runtime/tracking/run-index.js';
import { mlpipe } from '../cli/run-cli.js';
import { Registry } from '../../../runtime/registry/registry.js';
import { run, tempWorkspace, until } from './helpers.js';
import { writeLogisticModel } from './onnx-models.js';

// The real store and real runs: what `cache gc` removes, what it keeps, and that it never pulls a
// result from under a run.

const PIPELINE = `pipeline p {
  param a: int = 1
  step first: shell {
    command "echo a=$MLPIPE_PARAM_A > $MLPIPE_OUTPUT_OUT"
    outputs { out: "a.txt" }
    params { a: a }
  }
  step second: shell {
    command "cat $MLPIPE_INPUT_FIRST_OUT $MLPIPE_INPUT_FIRST_OUT > $MLPIPE_OUTPUT_OUT"
    inputs [first.out]
    outputs { out: "twice.txt" }
  }
  step other: shell {
    command "echo other > $MLPIPE_OUTPUT_OUT"
    outputs { out: "other.txt" }
  }
}
`;

const lockFile = (t: ReturnType<typeof tempWorkspace>) => join(storePaths(t.ws).cache, 'gc.lock');
const holdLock = (t: ReturnType<typeof tempWorkspace>, pid: number) =>
  writeFileSync(lockFile(t), JSON.stringify({ pid, pidStart: processStartTime(pid), host: hostname() }));

describe('cache gc', () => {
  test('removes earlier results of changed steps, keeps every node\'s latest, and a rerun is still all cached', async () => {
    const t = tempWorkspace();
    t.write('p.mlpipe', PIPELINE);
    const first = await run(t, 'p.mlpipe');
    const old = Object.fromEntries(first.of('step_finished').map((e) => [e.step, e.key]));
    const second = await run(t, 'p.mlpipe', { params: { a: '2' } });
    expect(second.ran).toEqual(['first', 'second']);

    const dry = mlpipe(['cache', 'gc', '--dry-run', '--json'], t.dir);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as { unused: { key: string; node: string; bytes: number }[]; kept: { results: number } };
    expect(planned.unused.map((u) => [u.node, u.key]).sort()).toEqual([['first', old.first], ['second', old.second]]);
    expect(planned.unused.every((u) => u.bytes > 0)).toBe(true);
    expect(planned.kept.results).toBe(3);
    expect(cacheReport(t.ws).unused).toHaveLength(2); // a dry run removes nothing

    const done = mlpipe(['cache', 'gc'], t.dir);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/removed 2 results \(\d+ B\); kept 3 results in use/);
    expect(cacheReport(t.ws)).toEqual({ unused: [], kept: expect.objectContaining({ results: 3 }) });

    const rerun = await run(t, 'p.mlpipe', { params: { a: '2' } });
    expect(rerun.ran).toEqual([]);
    expect(rerun.cached).toEqual(['first', 'other', 'second']);
    // The removed results are gone for good: going back to a=1 runs its steps again.
    const back = await run(t, 'p.mlpipe');
    expect(back.ran).toEqual(['first', 'second']);
  });

  test('a registered model outlives the cached result it came from', async () => {
    const t = tempWorkspace();
    writeLogisticModel(t.path('seed.onnx'));
    t.write('p.mlpipe', `pipeline p {
  param a: int = 1
  step train: shell {
    command "cp seed.onnx $MLPIPE_OUTPUT_MODEL # a=$MLPIPE_PARAM_A"
    outputs { model: "model.onnx" }
    params { a: a }
  }
  model churn { from train.model }
}
`);
    const first = await run(t, 'p.mlpipe');
    expect(first.status).toBe('succeeded');
    const trained = first.of('step_finished').find((e) => e.step === 'train')!;
    await run(t, 'p.mlpipe', { params: { a: '2' } });
    const gc = collectGarbage(t.ws);
    expect(gc.unused.map((u) => u.key)).toContain(trained.key);
    expect(existsSync(trained.outputs.model.path)).toBe(false);
    // The registry holds its own link to the file: the version is still there to score with.
    const [version] = new Registry(t.ws).versions('churn');
    expect(version.version).toBe(1);
    expect(existsSync(version.artifact)).toBe(true);
    // The removed result's bytes live on in the registry, so they were not counted as freed.
    expect(gc.unused.find((u) => u.key === trained.key)!.bytes).toBe(0);
  });

  test('refuses while a run of the workspace goes on, and says which', async () => {
    const t = tempWorkspace();
    t.write('p.mlpipe', `pipeline p {
  step wait: shell { command "while [ ! -f go ]; do sleep 0.02; done" }
}
`);
    const going = run(t, 'p.mlpipe');
    await until(() => readIndex(t.ws).some((r) => r.status === 'running'), 20_000, 'the run to start');
    const id = readIndex(t.ws)[0].id;
    const r = mlpipe(['cache', 'gc'], t.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`run ${id} is going on`);
    expect(existsSync(lockFile(t))).toBe(false); // and lets go of its lock
    t.write('go', '');
    expect((await going).status).toBe('succeeded');
    expect(mlpipe(['cache', 'gc'], t.dir).code).toBe(0);
  });

  test('a run that starts while gc holds the cache waits for it, then plans again', async () => {
    const t = tempWorkspace();
    t.write('p.mlpipe', PIPELINE);
    await run(t, 'p.mlpipe');
    holdLock(t, process.pid);
    expect(() => collectGarbage(t.ws)).toThrow(CacheBusy); // a second gc does not go ahead either
    const going = run(t, 'p.mlpipe');
    await until(() => readIndex(t.ws).some((r) => r.status === 'running'), 20_000, 'the run to be recorded');
    const released = Date.now();
    rmSync(lockFile(t));
    const r = await going;
    expect(r.of('run_started')[0].ts).toBeGreaterThanOrEqual(released);
    expect(r.cached).toEqual(['first', 'other', 'second']);
  });

  test('a lock left by a gc that was killed neither blocks runs nor the next gc', async () => {
    const t = tempWorkspace();
    t.write('p.mlpipe', PIPELINE);
    await run(t, 'p.mlpipe');
    const { pid } = await import('node:child_process').then((cp) => cp.spawnSync('true'));
    holdLock(t, pid);
    expect((await run(t, 'p.mlpipe')).cached).toEqual(['first', 'other', 'second']);
    expect(collectGarbage(t.ws).kept.results).toBe(3);
    expect(existsSync(lockFile(t))).toBe(false);
    // Killed between creating the lock and writing its owner: empty, and not touched for a while.
    writeFileSync(lockFile(t), '');
    expect(() => collectGarbage(t.ws)).toThrow(CacheBusy); // just created: its gc may be about to write it
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile(t), aMinuteAgo, aMinuteAgo);
    expect((await run(t, 'p.mlpipe')).cached).toEqual(['first', 'other', 'second']);
    expect(collectGarbage(t.ws).kept.results).toBe(3);
  });
});
