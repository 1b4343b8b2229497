import { describe, expect, test } from 'vitest';
import { PredictedModel } from '../../../extension/canvas/predicted-model.js';

const m = (version: number, tag = 'p') => ({ version, tag });

describe('a gesture\'s predicted model', () => {
  test('used once the edit is applied and the text is exactly the predicted one, whichever comes first', () => {
    const early = new PredictedModel<ReturnType<typeof m>>();
    expect(early.offer(m(5), 4, 4)).toBeUndefined(); // the edit is not applied yet
    expect(early.confirm(5, true, 4)).toEqual(m(5));
    expect(early.confirm(5, true, 4)).toBeUndefined(); // used once

    const late = new PredictedModel<ReturnType<typeof m>>();
    expect(late.confirm(5, true, 4)).toBeUndefined();
    expect(late.offer(m(5), 5, 4)).toEqual(m(5));
  });

  test('never used when something else changed the text, or for another version', () => {
    const typedMeanwhile = new PredictedModel<ReturnType<typeof m>>();
    typedMeanwhile.offer(m(5), 4, 4);
    expect(typedMeanwhile.confirm(6, false, 4)).toBeUndefined();
    const other = new PredictedModel<ReturnType<typeof m>>();
    other.confirm(5, true, 4);
    expect(other.offer(m(5), 6, 4)).toBeUndefined(); // the document moved on before the prediction came
    expect(other.offer(m(7), 7, 4)).toBeUndefined(); // not the version the edit gave
  });

  test('moot once the document\'s own model of that version (or a later one) has come', () => {
    const superseded = new PredictedModel<ReturnType<typeof m>>();
    superseded.offer(m(5), 4, 4);
    superseded.superseded(5);
    expect(superseded.confirm(5, true, 5)).toBeUndefined();
    const already = new PredictedModel<ReturnType<typeof m>>();
    already.confirm(5, true, 5);
    expect(already.offer(m(5), 5, 5)).toBeUndefined();
  });
});
