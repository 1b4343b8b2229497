import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSignature } from '../../../runtime/onnx/signature.js';
import { OnnxModel } from '../../../runtime/onnx/session.js';
import { Batcher } from '../../../runtime/serving/batcher.js';
import { serveModel, type RunningServer } from '../../../runtime/serving/server.js';
import { tempWorkspace } from './helpers.js';
import { expectedProbability, writeLogisticModel, writeWideModel } from './onnx-models.js';

// A real HTTP server on a free port, a real onnxruntime session, real requests.

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
afterAll(() => agent.destroy());

function call(base: string, method: string, path: string, body?: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; text: string; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('scoring server', () => {
  const t = tempWorkspace();
  const file = t.path('model.onnx');
  let server: RunningServer;
  const post = (body: unknown, headers?: Record<string, string>) => call(server.url, 'POST', '/invocations', typeof body === 'string' ? body : JSON.stringify(body), headers);

  beforeAll(async () => {
    writeLogisticModel(file);
    server = await serveModel({ artifact: file, model: 'm', version: 3, digest: 'abc', port: 0, maxBodyBytes: 64 * 1024 });
  });
  afterAll(() => server.close());

  test('health names the model and its signature', async () => {
    const r = await call(server.url, 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', model: 'm', version: 3, inputs: [{ name: 'age', type: 'float32' }, { name: 'plan', type: 'string' }] });
  });

  test("every MLflow body format gives the same predictions, MLflow's response shape", async () => {
    const rows = [{ age: 30, plan: 'pro' }, { age: 50, plan: 'team' }, { age: 20, plan: 'free' }];
    const expected = rows.map((r) => expectedProbability(r.age, r.plan));
    const bodies = [
      { dataframe_split: { columns: ['age', 'plan'], data: rows.map((r) => [r.age, r.plan]) } },
      { dataframe_split: { index: [0, 1, 2], columns: ['plan', 'age'], data: rows.map((r) => [r.plan, r.age]) } },
      { dataframe_records: rows },
      { instances: rows },
      { inputs: { age: rows.map((r) => r.age), plan: rows.map((r) => r.plan) } },
      { dataframe_records: rows, params: {} },
    ];
    for (const b of bodies) {
      const r = await post(b);
      expect(r.status, JSON.stringify(b)).toBe(200);
      const preds = (r.json() as { predictions: number[] }).predictions;
      preds.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6));
    }
  });

  test('bad bodies get a 400 that says what is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      ['{"dataframe_split": ', /^the body is not valid JSON/],
      [[1, 2], /must be a JSON object with one of dataframe_split, dataframe_records, instances, inputs/],
      [{ data: [[1]] }, /must have one of dataframe_split, dataframe_records, instances, inputs \(it has 'data'\)/],
      [{ instances: [], inputs: {} }, /has instances and inputs: give exactly one/],
      [{ dataframe_split: { columns: ['age', 'plan'], data: [[30, 'pro', 1]] } }, /dataframe_split.data\[0\] has 3 values for 2 columns/],
      [{ dataframe_split: { data: [[30]] } }, /dataframe_split.columns must be a list of column names/],
      [{ dataframe_records: [{ age: 'old', plan: 'pro' }] }, /column 'age' row 0: expected a number, got "old"/],
      [{ dataframe_records: [{ age: 30 }] }, /column 'plan'|missing column 'plan'/],
      [{ instances: [{ age: 30, plan: 'pro' }, 7] }, /instances\[1\] must be an object/],
      [{ inputs: { age: [1, 2], plan: ['pro'] } }, /inputs.plan has 1 values, the other inputs 2/],
      [{ dataframe_records: [] }, /no rows to score/],
      [{ dataframe_records: [{ age: 30, plan: { x: 1 } }] }, /column 'plan' row 0: expected text/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json()).toMatchObject({ error_code: 'BAD_REQUEST' });
      expect((r.json() as { message: string }).message).toMatch(message);
    }
    expect((await post({ inputs: {} }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await call(server.url, 'GET', '/invocations')).status).toBe(405);
    expect((await call(server.url, 'GET', '/nope')).status).toBe(404);
    const big = await post({ dataframe_records: Array.from({ length: 5000 }, () => ({ age: 30, plan: 'pro' })) });
    expect(big.status).toBe(413);
  });

  test('a body sent in several pieces is put back together (the one-chunk fast path is not the only path)', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ age: 20 + i, plan: 'pro' }));
    const text = JSON.stringify({ dataframe_records: rows });
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, agent }, (res) => {
        let out = '';
        res.on('data', (c: Buffer) => { out += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: out }));
      });
      req.on('error', reject);
      // Headers first, then the body in three writes, each after the previous one left this process: the
      // server sees the body as separate chunks.
      req.flushHeaders();
      const parts = [text.slice(0, 7), text.slice(7, 300), text.slice(300)];
      const next = (i: number): void => {
        if (i === parts.length) return void req.end();
        req.write(parts[i], () => setImmediate(() => next(i + 1)));
      };
      next(0);
    });
    expect(r.status, r.text).toBe(200);
    const preds = (JSON.parse(r.text) as { predictions: number[] }).predictions;
    expect(preds).toHaveLength(40);
    preds.forEach((p, i) => expect(p).toBeCloseTo(expectedProbability(rows[i].age, 'pro'), 6));
  });

  test('concurrent requests are batched, each gets its own answer, and /metrics counts them', async () => {
    const before = await call(server.url, 'GET', '/metrics');
    const count = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    const batchesBefore = count(before.text, 'mlpipe_batch_rows_count');
    const ages = Array.from({ length: 60 }, (_, i) => 20 + i);
    const answers = await Promise.all(ages.map((age) => post({ dataframe_records: [{ age, plan: 'team' }] })));
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect((a.json() as { predictions: number[] }).predictions[0]).toBeCloseTo(expectedProbability(ages[i], 'team'), 6);
    });
    const after = (await call(server.url, 'GET', '/metrics')).text;
    // How many inference calls served them depends on how the requests arrived; at most one each.
    const batches = count(after, 'mlpipe_batch_rows_count') - batchesBefore;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThanOrEqual(60);
    expect(after).toMatch(/^mlpipe_requests_total\{path="\/invocations",code="200"\} \d+$/m);
    expect(after).toMatch(/^mlpipe_requests_total\{path="\/invocations",code="400"\} 12$/m);
    expect(after).toMatch(/^mlpipe_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(after).toContain('mlpipe_model_info{model="m",version="3",digest="abc"} 1');
    expect(count(after, 'mlpipe_request_errors_total')).toBeGreaterThanOrEqual(14);
  });
});

describe('batching', () => {
  const t = tempWorkspace();
  test('requests that arrive together share one inference call and each gets its own rows back', async () => {
    const file = t.path('m.onnx');
    writeLogisticModel(file);
    const model = await OnnxModel.load(file);
    const sizes: number[] = [];
    const batcher = new Batcher(model, 256, (rows) => sizes.push(rows));
    const ages = [20, 30, 40, 50, 60, 70, 80];
    const answers = await Promise.all(ages.map((age, i) => batcher.submit(model.feeds({ age: i === 3 ? [age, age + 1] : [age], plan: i === 3 ? ['free', 'pro'] : ['free'] }, i === 3 ? 2 : 1), i === 3 ? 2 : 1)));
    expect(sizes).toEqual([8]);
    answers.forEach((a, i) => {
      expect(a[0] as number).toBeCloseTo(expectedProbability(ages[i], 'free'), 6);
      if (i === 3) expect(a[1] as number).toBeCloseTo(expectedProbability(ages[i] + 1, 'pro'), 6);
    });
    // More rows than one batch holds: split into several calls, never more than maxBatch rows each.
    const small = new Batcher(model, 3, (rows) => sizes.push(rows));
    sizes.length = 0;
    await Promise.all(ages.map((age) => small.submit(model.feeds({ age: [age], plan: ['team'] }, 1), 1)));
    expect(sizes).toEqual([3, 3, 1]);
    // The callback form the server uses: an answer that throws does not keep the others from theirs, and a
    // failed inference answers every request of its batch with the error.
    sizes.length = 0;
    const got: number[] = [];
    const feeds = (age: number) => model.feeds({ age: [age], plan: ['free'] }, 1);
    await new Promise<void>((resolve) => {
      batcher.enqueue(feeds(20), 1, () => { throw new Error('the answering code failed'); });
      batcher.enqueue(feeds(30), 1, (e, p) => {
        expect(e).toBeUndefined();
        got.push(p![0] as number);
        resolve();
      });
    });
    expect(sizes).toEqual([2]);
    expect(got[0]).toBeCloseTo(expectedProbability(30, 'free'), 6);
    const broken = { type: 'float32', data: new Float32Array(1), dims: [1, 1] };
    const errors = await new Promise<(Error | undefined)[]>((resolve) => {
      const seen: (Error | undefined)[] = [];
      const answer = (e: Error | undefined) => { seen.push(e); if (seen.length === 2) resolve(seen); };
      batcher.enqueue({ nope: broken }, 1, answer);
      batcher.enqueue({ nope: broken }, 1, answer);
    });
    expect(errors.map((e) => e instanceof Error)).toEqual([true, true]);
    await model.release();
  });
});

describe('a model with one wide input', () => {
  const t = tempWorkspace();
  test('takes bare rows (instances or inputs as lists)', async () => {
    const file = t.path('wide.onnx');
    writeWideModel(file);
    expect(readSignature(file).inputs).toEqual([{ name: 'x', type: 'float32', shape: ['N', 3] }]);
    const server = await serveModel({ artifact: file, model: 'w', version: 1, digest: 'd', port: 0 });
    try {
      for (const body of [{ instances: [[1, 1, 1], [0, 0, 2]] }, { inputs: [[1, 1, 1], [0, 0, 2]] }]) {
        const r = await call(server.url, 'POST', '/invocations', JSON.stringify(body));
        expect(r.json()).toEqual({ predictions: [6, 6] });
      }
      const bad = await call(server.url, 'POST', '/invocations', JSON.stringify({ instances: [[1, 2]] }));
      expect(bad.status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
