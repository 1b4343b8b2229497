import { spawn } from 'node:child_process';
import { afterAll, expect, test } from 'vitest';
import { cancelRun } from '../../../runtime/tracking/cancel.js';
import { appendIndex, readIndex } from '../../../runtime/tracking/run-index.js';
import { tempWorkspace } from './helpers.js';

// A live process of this machine whose pid the foreign run's index line carries: signalling it would kill it.
const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
afterAll(() => {
  bystander.kill('SIGKILL');
});

test('a run driven from another machine is refused before anything is signalled, and stays running', async () => {
  const t = tempWorkspace();
  appendIndex(t.ws, {
    t: 'start', id: '20261126-000000-abcdef', pipeline: 'p', file: 'p.mlpipe', started: Date.now(), host: 'another-machine',
    pid: bystander.pid!, params: {}, command: 'run',
  });
  await expect(cancelRun(t.ws, '20261126-000000-abcdef', 100)).rejects.toThrow(/driven by process \d+ on another-machine, not on this machine/);
  expect(readIndex(t.ws)[0].status).toBe('running');
});
