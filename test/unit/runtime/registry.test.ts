import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { GateModel } from '../../../language-server/model/pipeline-model.js';
import { readSignature } from '../../../runtime/onnx/signature.js';
import { promote } from '../../../runtime/registry/promote.js';
import { Registry, RegistryError } from '../../../runtime/registry/registry.js';
import { tempWorkspace } from './helpers.js';
import { writeLogisticModel } from './onnx-models.js';

const gate = (metric: string, op: GateModel['op'], value: number): GateModel => ({ metric, op, value, text: `${metric} ${op} ${value}` });

describe('model registry', () => {
  const t = tempWorkspace();
  const reg = new Registry(t.ws);
  const model = (name: string, bias: number) => {
    const f = t.path(`${name}.onnx`);
    writeLogisticModel(f, undefined, bias);
    return f;
  };
  const register = (file: string, metrics: Record<string, number>) =>
    reg.register({ model: 'churn', file, signature: readSignature(file), metrics, who: 'ana <ana@example.org>', run: 'r1', pipeline: 'p.mlpipe' });

  test('versions: numbered from 1, idempotent by digest, with the signature read from the ONNX file and a copy of the artifact', () => {
    const a = register(model('a', -2), { auc: 0.81 });
    expect(a).toMatchObject({ created: true, version: { version: 1, metrics: { auc: 0.81 }, createdBy: 'ana <ana@example.org>' } });
    expect(a.version.signature.inputs).toEqual([{ name: 'age', type: 'float32', shape: ['N', 1] }, { name: 'plan', type: 'string', shape: ['N', 1] }]);
    expect(a.version.signature.outputs).toEqual([{ name: 'probability', type: 'float32', shape: ['N', 1] }]);
    expect(existsSync(a.version.artifact)).toBe(true);
    expect(register(t.path('a.onnx'), { auc: 0.5 })).toMatchObject({ created: false, version: { version: 1, metrics: { auc: 0.81 } } });
    expect(register(model('b', -1), { auc: 0.6 }).version.version).toBe(2);
    expect(reg.history('churn').map((e) => [e.action, e.version])).toEqual([['register', 1], ['register', 2]]);
  });

  test('a version number another writer took is skipped (O_EXCL claim)', () => {
    writeFileSync(join(reg.root, 'models', 'churn', 'versions', '3.json'), '');
    expect(register(model('c', 0), { auc: 0.9 }).version.version).toBe(4);
  });

  test('promotion checks the gates; a refusal moves nothing and is recorded with the numbers', () => {
    const gates = [gate('auc', '>=', 0.8)];
    expect(() => promote(reg, { model: 'churn', from: '2', alias: 'champion', gates, who: 'bo', why: 'try' }))
      .toThrow(new RegistryError('churn version 2 was not promoted: gate auc >= 0.8 failed: auc = 0.6', 'gates'));
    expect(reg.state('churn').aliases.champion).toBeUndefined();
    const refused = reg.history('churn').at(-1)!;
    expect(refused).toMatchObject({ action: 'promote-refused', version: 2, alias: 'champion', who: 'bo', why: 'try', gates: [{ metric: 'auc', value: 0.6, passed: false }] });

    const ok = promote(reg, { model: 'churn', from: '1', alias: 'champion', gates, who: 'bo', why: 'best auc' });
    expect(ok.gates).toEqual([{ gate: 'auc >= 0.8', metric: 'auc', value: 0.81, passed: true }]);
    expect(reg.state('churn').aliases).toEqual({ champion: 1 });
    expect(reg.history('churn').at(-1)).toMatchObject({ action: 'alias', alias: 'champion', version: 1, previous: null, who: 'bo', why: 'best auc' });
    // A missing metric fails its gate instead of passing silently.
    expect(() => promote(reg, { model: 'churn', from: '1', alias: 'x', gates: [gate('f1', '>', 0.5)], who: 'bo' })).toThrow(/no metric 'f1' was computed/);
  });

  test('aliases resolve, move, and roll back one move at a time', () => {
    const gates: GateModel[] = [];
    promote(reg, { model: 'churn', from: '4', alias: 'champion', gates, who: 'bo' });
    promote(reg, { model: 'churn', from: '2', alias: 'champion', gates, who: 'bo' });
    expect(reg.resolve('churn', 'champion').version).toBe(2);
    expect(reg.resolve('churn', '@champion').version).toBe(2);
    expect(reg.rollback('churn', 'champion', 'cy', 'bad canary')).toMatchObject({ action: 'rollback', version: 4, previous: 2, who: 'cy', why: 'bad canary' });
    expect(reg.resolve('churn', 'champion').version).toBe(4);
    reg.rollback('churn', 'champion', 'cy');
    expect(reg.resolve('churn', 'champion').version).toBe(1);
    expect(() => reg.rollback('churn', 'champion', 'cy')).toThrow(/no earlier version to roll back to/);
    expect(() => reg.resolve('churn', 'nope')).toThrow("churn has no alias 'nope' (aliases: champion)");
    expect(() => reg.resolve('churn', '9')).toThrow('churn has no version 9 (versions 1–4)');
    expect(() => reg.state('chrun')).toThrow("no model named 'chrun' in the registry — did you mean 'churn'?");
  });

  test("MLflow's stages: gated on the way to Staging/Production, archiving the previous Production version on request", () => {
    const gates = [gate('auc', '>=', 0.8)];
    promote(reg, { model: 'churn', from: '1', stage: 'Production', gates, who: 'bo' });
    promote(reg, { model: 'churn', from: '4', stage: 'Production', gates, who: 'bo', archiveExisting: true });
    expect(reg.state('churn').stages).toEqual({ 1: 'Archived', 4: 'Production' });
    expect(() => promote(reg, { model: 'churn', from: '2', stage: 'Staging', gates, who: 'bo' })).toThrow(/not promoted/);
    promote(reg, { model: 'churn', from: '2', stage: 'Archived', gates, who: 'bo' });
    expect(reg.state('churn').stages[2]).toBe('Archived');
  });
});
