import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkColumns, PipelineData } from '../../../runtime/data/pipeline-data.js';
import { loadPipeline } from '../../../runtime/pipeline/load.js';
import { csv, engineFor, workspace } from './helpers.js';

const PIPELINE = `pipeline shop {
  source events {
    path "events.csv"
    timestamp ts
  }
  source labels {
    path "labels.csv"
    timestamp at
  }
  features spend "Spend so far" {
    entity cid
    timestamp ts
    from events
    sql """
      select cid, ts, sum(amount) over (partition by cid order by ts rows unbounded preceding) as total
      from events
    """
    feature total: double
  }
  features raw {
    entity cid
    timestamp ts
    from events
    feature amount: double
  }
  training_set train {
    labels labels
    label_time at
    entity cid
    label y
    features [spend.total, raw.*]
  }
}
`;

describe('pipeline data', () => {
  const ws = workspace();
  ws.write('shop.mlpipe', PIPELINE);
  ws.write('events.csv', csv(['cid', 'ts', 'amount'], [
    [1, '2024-01-01 00:00:00', 10], [1, '2024-01-05 00:00:00', 5], [2, '2024-01-02 00:00:00', 7], [1, '2024-01-09 00:00:00', 100],
  ]));
  ws.write('labels.csv', csv(['cid', 'at', 'y'], [[1, '2024-01-06 00:00:00', 1], [2, '2024-01-01 00:00:00', 0], [1, '2024-01-09 00:00:00', 0]]));

  test('a training set joins SQL views and plain views point-in-time', async () => {
    const engine = await engineFor(ws.dir);
    const { model } = await loadPipeline(join(ws.dir, 'shop.mlpipe'));
    const r = await new PipelineData(engine, model, ws.dir).trainingSet('train');
    // Running totals: cid 1 → 10 (Jan 1), 15 (Jan 5), 115 (Jan 9). At Jan 6: 15; at Jan 9 (inclusive): 115.
    expect(r.rows).toEqual([
      { cid: 1, at: '2024-01-06T00:00:00.000Z', y: 1, total: 15, amount: 5 },
      { cid: 1, at: '2024-01-09T00:00:00.000Z', y: 0, total: 115, amount: 100 },
      { cid: 2, at: '2024-01-01T00:00:00.000Z', y: 0, total: null, amount: null },
    ]);
    // Future rows: Jan 6 skips Jan 9 (1); cid 2 at Jan 1 skips Jan 2 (1); Jan 9 skips nothing (a row at the label time counts).
    expect(r.stats.views.map((v) => [v.view, v.matched, v.future_rows_excluded])).toEqual([['spend', 2, 2], ['raw', 2, 2]]);
  });

  test('column names the data lacks are reported with a suggestion and a range', async () => {
    const engine = await engineFor(ws.dir);
    const broken = PIPELINE.replace('feature amount: double', 'feature amont: double').replace('label y', 'label why');
    ws.write('broken.mlpipe', broken);
    const { model } = await loadPipeline(join(ws.dir, 'broken.mlpipe'));
    const problems = await checkColumns(engine, model, ws.dir);
    expect(problems.map((p) => [p.node, p.column, p.message])).toEqual([
      ['raw', 'amont', "feature 'amont' is not a column of raw's data — did you mean 'amount'?"],
      ['train', 'why', "label 'why' is not a column of train's data"],
    ]);
    expect(problems[0].range.start.line).toBe(broken.split('\n').findIndex((l) => l.includes('feature amont')));
  });

  test("an error in a view's SQL names the view", async () => {
    const engine = await engineFor(ws.dir);
    ws.write('sqlerr.mlpipe', PIPELINE.replace('sum(amount) over', 'sum(amount) ovr'));
    const { model } = await loadPipeline(join(ws.dir, 'sqlerr.mlpipe'));
    await expect(new PipelineData(engine, model, ws.dir).trainingSet('train')).rejects.toThrow(/^spend: .*syntax error/);
  });

  test('unknown names', async () => {
    const engine = await engineFor(ws.dir);
    const { model } = await loadPipeline(join(ws.dir, 'shop.mlpipe'));
    await expect(new PipelineData(engine, model, ws.dir).trainingSet('trian')).rejects.toThrow("no training_set named 'trian' — did you mean 'train'?");
  });
});
