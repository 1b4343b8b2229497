import { describe, expect, it } from 'vitest';
import { LAYOUT_SUFFIX } from '../../../extension/canvas/layout-format.js';
import { countsAsDataChange } from '../../../extension/data-file-filter.js';

describe('which file changes re-run the data checks', () => {
  it('counts data files anywhere in the workspace', () => {
    for (const p of ['/w/data/customers.csv', '/w/events.parquet', '/w/nested/x/config.json', '/w/a.mlpipe.json', 'C:\\w\\data\\c.tsv', `/w/report${LAYOUT_SUFFIX}`]) expect(countsAsDataChange(p), p).toBe(true);
  });
  it('ignores the canvas sidecars MLPipe writes on every gesture', () => {
    expect(countsAsDataChange(`/w/churn.mlpipe${LAYOUT_SUFFIX}`)).toBe(false);
    expect(countsAsDataChange(`/w/sub/big.mlpipe${LAYOUT_SUFFIX}`)).toBe(false);
  });
  it('ignores the run store, which runs write continuously', () => {
    for (const p of ['/w/.mlpipe/runs/index.jsonl', '/w/sub/.mlpipe/store/ab/out.parquet', 'C:\\w\\.mlpipe\\runs\\r.jsonl']) expect(countsAsDataChange(p), p).toBe(false);
    expect(countsAsDataChange('/w/my.mlpipe/data.csv')).toBe(true);
  });
});
