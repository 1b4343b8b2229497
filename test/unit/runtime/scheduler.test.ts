import { join } from 'node:path';
import { expect, test } from 'vitest';
import { buildGraph } from '../../../runtime/exec/graph.js';
import { Scheduler, type Outcome } from '../../../runtime/exec/scheduler.js';
import { Targets } from '../../../runtime/exec/targets.js';
import { loadPipeline } from '../../../runtime/pipeline/load.js';
import { tempWorkspace } from './helpers.js';

// The scheduler with the real graph and slot accounting; nodes are executed by the test, which decides
// when each one frees its slot and when it is done.

const t = tempWorkspace('mlpipe-scheduler-');
t.write('p.mlpipe', `pipeline p {
  step a: shell { command "true" }
  step b: shell { command "true" }
  step c: shell { command "true" }
}
`);

test('a node that frees its slot early lets the next one start before it is done; one that does not holds it', async () => {
  const { model } = await loadPipeline(join(t.dir, 'p.mlpipe'));
  const graph = buildGraph(model);
  const targets = new Targets(model, { parallel: 1 });
  const started: string[] = [];
  const done = new Map<string, (o: Outcome) => void>();
  const startedNow = new Map<string, () => void>();
  const whenStarted = (id: string) => new Promise<void>((r) => startedNow.set(id, r));
  const [aStarted, bStarted, cStarted] = [whenStarted('a'), whenStarted('b'), whenStarted('c')];
  const execute = (e: { id: string }, release: () => void): Promise<Outcome> => {
    started.push(e.id);
    startedNow.get(e.id)?.();
    // `a` frees its slot at once (its process exited; it is still recording); `b` keeps it to the end.
    if (e.id === 'a') release();
    return new Promise((r) => done.set(e.id, r));
  };
  const finished = new Scheduler(graph, new Set(graph.order), targets, execute, () => undefined, new AbortController().signal).run();
  await aStarted;
  await bStarted;
  expect(started).toEqual(['a', 'b']);
  done.get('a')!('done');
  // Give `c` every chance to start wrongly: `b` still holds the only slot.
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual(['a', 'b']);
  done.get('b')!('done');
  await cStarted;
  done.get('c')!('done');
  await finished;
  expect(started).toEqual(['a', 'b', 'c']);
  targets.dispose();
});
