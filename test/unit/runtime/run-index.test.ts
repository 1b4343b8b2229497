import { expect, test } from 'vitest';
import { appendIndex, readIndex } from '../../../runtime/tracking/run-index.js';
import { tempWorkspace } from './helpers.js';

test('runs are listed newest first by start time, even when their ids (whole seconds + random tail) sort the other way', () => {
  const t = tempWorkspace();
  const start = (id: string, started: number) => appendIndex(t.ws, { t: 'start', id, pipeline: 'p', file: 'p.mlpipe', started, host: 'h', pid: 1, params: {}, command: 'run' });
  const second = Date.UTC(2026, 10, 26, 20, 2, 3);
  start('20261126-200203-ffffff', second + 100);
  start('20261126-200203-000000', second + 900);
  start('20261126-200202-aaaaaa', second - 500);
  expect(readIndex(t.ws).map((r) => r.id)).toEqual(['20261126-200203-000000', '20261126-200203-ffffff', '20261126-200202-aaaaaa']);
});
