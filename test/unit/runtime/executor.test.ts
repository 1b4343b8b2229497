import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { removeSpool, spoolDir } from '../../../runtime/store/spool.js';
import { storePaths } from '../../../runtime/store/workspace.js';
import { leftovers, plan, run, tempWorkspace } from './helpers.js';

// Real processes (/bin/sh), real files, the real store. Every wait is for an event or a process exit.

const CACHING = `pipeline p {
  param a: int = 1
  param b: int = 1
  source raw { path "data/raw.csv" }
  step first: shell {
    command "cp data/raw.csv $MLPIPE_OUTPUT_OUT"
    inputs [raw]
    outputs { out: "out.csv" }
    params { a: a }
  }
  step second: shell {
    command "echo b=$MLPIPE_PARAM_B > $MLPIPE_OUTPUT_OUT && cat $MLPIPE_INPUT_FIRST_OUT >> $MLPIPE_OUTPUT_OUT"
    inputs [first.out]
    outputs { out: "out.txt" }
    params { b: b }
  }
  step other: shell {
    command "wc -l < data/raw.csv > $MLPIPE_OUTPUT_OUT"
    inputs [raw]
    outputs { out: "count.txt" }
  }
}
`;

describe('caching', () => {
  const t = tempWorkspace();
  t.write('p.mlpipe', CACHING);
  t.write('data/raw.csv', 'x\n1\n2\n');

  test('first run runs everything; a rerun takes everything from the cache', async () => {
    const r1 = await run(t, 'p.mlpipe');
    expect(r1.status).toBe('succeeded');
    expect(r1.ran).toEqual(['first', 'other', 'second']);
    expect(r1.of('step_started').every((e) => e.why === 'no earlier result')).toBe(true);
    const out = r1.of('step_finished').find((e) => e.step === 'second')!.outputs.out;
    expect(readFileSync(out.path, 'utf8')).toBe('b=1\nx\n1\n2\n');
    // Outputs live in the store, addressed by the cache key.
    expect(out.path).toContain(join(t.dir, '.mlpipe', 'cache'));

    const r2 = await run(t, 'p.mlpipe');
    expect(r2.ran).toEqual([]);
    expect(r2.cached).toEqual(['first', 'other', 'second']);
    expect(r2.of('step_cached')[0].why).toBe(`unchanged since run ${r1.runId}`);
  });

  test("a run's spool folder (steps' output files while they run) is gone when it ends", async () => {
    const r = await run(t, 'p.mlpipe', { force: true });
    expect(r.ran).toEqual(['first', 'other', 'second']);
    expect(existsSync(spoolDir(t.ws, r.runId))).toBe(false);
    // A folder inside (not something a run makes) is removed too.
    const dir = spoolDir(t.ws, 'not-a-run');
    mkdirSync(join(dir, 'inner'), { recursive: true });
    writeFileSync(join(dir, 'a.stdout'), 'x');
    writeFileSync(join(dir, 'inner', 'b'), 'y');
    removeSpool(dir);
    expect(existsSync(dir)).toBe(false);
  });

  test('a run sweeps away the spool and attempt folders of runs killed over a day ago, and only those', async () => {
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const folder = (root: string, name: string, old: boolean) => {
      const dir = join(root, name);
      mkdirSync(join(dir, 'step.1'), { recursive: true });
      writeFileSync(join(dir, 'step.1', 'part.csv'), 'x');
      if (old) utimesSync(dir, dayAgo, dayAgo);
      return dir;
    };
    const spoolRoot = join(spoolDir(t.ws, 'x'), '..');
    const killed = [folder(storePaths(t.ws).tmp, '20250101-000000-aaaaaa', true), folder(spoolRoot, '20250101-000000-aaaaaa', true)];
    const recent = folder(storePaths(t.ws).tmp, '20250101-000000-bbbbbb', false);
    const notARun = folder(storePaths(t.ws).tmp, 'keep-me', true);
    await run(t, 'p.mlpipe');
    expect(killed.map(existsSync)).toEqual([false, false]);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(notARun)).toBe(true);
    rmSync(recent, { recursive: true });
    rmSync(notARun, { recursive: true });
  });

  test('editing one param reruns only what depends on it, and says why', async () => {
    const p = await plan(t, 'p.mlpipe', { params: { b: '2' } });
    expect(p.map((n) => [n.step, n.action])).toEqual([['first', 'cached'], ['second', 'run'], ['other', 'cached']]);
    expect(p.find((n) => n.step === 'second')!.reasons).toEqual([{ kind: 'param', name: 'b', before: 1, after: 2 }]);
    expect(p.find((n) => n.step === 'second')!.why).toBe('param b changed (1 → 2)');

    const r = await run(t, 'p.mlpipe', { params: { b: '2' } });
    expect(r.ran).toEqual(['second']);
    expect(r.cached).toEqual(['first', 'other']);
    expect(r.of('step_started')[0].reasons).toEqual([{ kind: 'param', name: 'b', before: 1, after: 2 }]);
  });

  test('a step whose inputs come out unchanged does not rerun its downstream', async () => {
    // `a` reaches `first`, but its output does not depend on it: `second` keeps its cached result.
    const p = await plan(t, 'p.mlpipe', { params: { a: '5' } });
    expect(p.find((n) => n.step === 'second')).toMatchObject({ action: 'pending', reasons: [{ kind: 'upstream', steps: ['first'] }] });
    const r = await run(t, 'p.mlpipe', { params: { a: '5' } });
    expect(r.ran).toEqual(['first']);
    expect(r.cached).toEqual(['other', 'second']);
  });

  test('changed data reruns the steps that read it, naming the input', async () => {
    t.write('data/raw.csv', 'x\n1\n2\n3\n');
    // Same params as the last run, so only the data differs.
    const r = await run(t, 'p.mlpipe', { params: { a: '5' } });
    expect(r.ran).toEqual(['first', 'other', 'second']);
    const why = Object.fromEntries(r.of('step_started').map((e) => [e.step, e.why]));
    expect(why).toEqual({ first: 'input raw changed', other: 'input raw changed', second: 'input first.out changed' });
  });

  test('--force reruns; --step takes a step and what it needs; --from reruns downstream', async () => {
    expect((await run(t, 'p.mlpipe', { force: true })).ran).toEqual(['first', 'other', 'second']);
    expect((await run(t, 'p.mlpipe', { force: true })).of('step_started').every((e) => e.why === 'forced')).toBe(true);
    const one = await run(t, 'p.mlpipe', { steps: ['second'] });
    expect(one.of('run_started')[0].nodes.map((n) => n.step)).toEqual(['first', 'second']);
    expect(one.cached).toEqual(['first', 'second']);
    const from = await run(t, 'p.mlpipe', { from: 'first' });
    expect(from.ran).toEqual(['first', 'second']);
    expect(from.of('step_started').every((e) => e.why === 'forced')).toBe(true);
  });

  test('a node the plan finds cached is taken from the entry of its current key, not an older one', async () => {
    // Runs now take the plan's cache hits as decided: with b back to 1, `second` must come from the run
    // that produced b=1, and the result read downstream must be that entry's file.
    const r1 = await run(t, 'p.mlpipe', { params: { b: '7' } });
    const r2 = await run(t, 'p.mlpipe', { params: { b: '8' } });
    expect(r2.ran).toEqual(['second']);
    const r3 = await run(t, 'p.mlpipe', { params: { b: '7' } });
    expect(r3.ran).toEqual([]);
    const cached = r3.of('step_cached').find((e) => e.step === 'second')!;
    expect(cached.producedBy).toBe(r1.runId);
    expect(cached.key).toBe(r3.of('run_started')[0].nodes.find((n) => n.step === 'second')!.key);
    expect(readFileSync(r3.results.get('second')!.output('out'), 'utf8')).toMatch(/^b=7\n/);
  });

  test('a deleted cache entry is noticed and rebuilt', async () => {
    const r1 = await run(t, 'p.mlpipe');
    const entry = r1.results.get('other')!;
    rmSync(entry.output('out'));
    const r2 = await run(t, 'p.mlpipe');
    expect(r2.ran).toEqual(['other']);
    expect(r2.of('step_started')[0].why).toBe('the cached result was deleted');
  });
});

describe('retries, timeouts and failures', () => {
  const t = tempWorkspace();

  test('a failed attempt is retried with backoff and the step succeeds', async () => {
    t.write('retry.mlpipe', `pipeline r {
  step flaky: shell {
    command "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt $n; [ $n -ge 2 ]"
    retries 2
    cache false
  }
}
`);
    const r = await run(t, 'retry.mlpipe', { retryBaseMs: 25 });
    expect(r.status).toBe('succeeded');
    expect(r.of('step_started').map((e) => [e.attempt, e.maxAttempts])).toEqual([[1, 3], [2, 3]]);
    expect(r.of('step_retry')).toMatchObject([{ step: 'flaky', attempt: 1, nextAttempt: 2, delayMs: 25, error: 'exit code 1' }]);
    expect(r.of('step_finished')[0].attempt).toBe(2);
    expect(r.of('step_log').map((e) => e.line)).toEqual(['attempt 1', 'attempt 2']);
  });

  test('backoff doubles; the last failure fails the step with its exit code and skips what depends on it', async () => {
    t.write('fail.mlpipe', `pipeline f {
  step bad: shell {
    command "echo oops >&2; exit 3"
    outputs { out: "x" }
    retries 2
  }
  step after: shell {
    command "true"
    inputs [bad.out]
  }
  step independent: shell { command "true" }
}
`);
    const r = await run(t, 'fail.mlpipe', { retryBaseMs: 10 });
    expect(r.status).toBe('failed');
    expect(r.of('step_retry').map((e) => e.delayMs)).toEqual([10, 20]);
    expect(r.of('step_failed')).toMatchObject([{ step: 'bad', attempt: 3, reason: 'exit', exitCode: 3, error: 'exit code 3', logTail: ['oops'] }]);
    expect(r.of('step_skipped')).toMatchObject([{ step: 'after', why: 'upstream bad failed' }]);
    expect(r.ran).toEqual(['independent']);
    expect(r.of('run_finished')[0]).toMatchObject({ status: 'failed', counts: { ran: 1, cached: 0, failed: 1, skipped: 1 }, failed: ['bad'] });
  });

  test('a step that does not write a declared output fails and says which', async () => {
    t.write('missing.mlpipe', 'pipeline m {\n  step s: shell {\n    command "true"\n    outputs { model: "model.onnx" }\n  }\n}\n');
    const r = await run(t, 'missing.mlpipe');
    expect(r.of('step_failed')[0].error).toContain("did not write its declared output 'model' (model.onnx)");
  });

  test('a timeout ends the whole process tree', async () => {
    t.write('slow.mlpipe', `pipeline s {
  step slow: shell {
    command "sleep 30 & sleep 30; wait"
    resources { timeout: 300ms }
  }
}
`);
    const started = Date.now();
    const r = await run(t, 'slow.mlpipe');
    expect(r.of('step_failed')).toMatchObject([{ step: 'slow', reason: 'timeout', error: 'timed out after 300ms' }]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(leftovers(r.runId)).toEqual([]);
  });
});

describe('cancellation', () => {
  const t = tempWorkspace();

  test('cancelling ends every process of the step, even ones that left its session, and skips the rest', async () => {
    t.write('cancel.mlpipe', `pipeline c {
  step busy: shell {
    command "(setsid sleep 60 &); sh -c 'sleep 60' & echo started; wait"
  }
  step later: shell {
    command "true"
    inputs [busy]
  }
}
`);
    const ac = new AbortController();
    let pid: number | undefined;
    const r = await run(t, 'cancel.mlpipe', {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'step_started') pid = e.pid;
        if (e.type === 'step_log' && e.line === 'started') ac.abort();
      },
    });
    expect(pid).toBeGreaterThan(0);
    expect(r.status).toBe('cancelled');
    expect(r.of('step_failed')).toMatchObject([{ step: 'busy', reason: 'cancelled' }]);
    expect(r.of('step_skipped')).toMatchObject([{ step: 'later', why: 'run cancelled' }]);
    expect(leftovers(r.runId)).toEqual([]);
    expect(existsSync(join(t.dir, '.mlpipe', 'tmp', r.runId))).toBe(false);
  });
});

describe('secrets', () => {
  const t = tempWorkspace();

  test('values of secret-looking variables and token shapes never reach logs, events or the store', async () => {
    const secret = 'sup3r-s3cret-value-42';
    const gh = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    process.env.MLPIPE_TEST_API_TOKEN = secret;
    try {
      t.write('s.mlpipe', `pipeline s {
  step leak: shell {
    command "echo token=$MLPIPE_TEST_API_TOKEN; echo key=$SERVICE_API_KEY; echo ${gh}; echo plain=hello"
    env { SERVICE_API_KEY: "k3y-from-env-block" }
  }
}
`);
      const r = await run(t, 's.mlpipe');
      expect(r.of('step_log').map((e) => e.line)).toEqual(['token=***', 'key=***', '***', 'plain=hello']);
      const stored = readTree(join(t.dir, '.mlpipe'));
      for (const s of [secret, gh, 'k3y-from-env-block']) expect(stored).not.toContain(s);
      expect(stored).toContain('plain=hello');
    } finally {
      delete process.env.MLPIPE_TEST_API_TOKEN;
    }
  });
});

function readTree(dir: string): string {
  let out = '';
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out += readTree(p);
    else if (e.isFile()) out += readFileSync(p, 'latin1');
  }
  return out;
}
