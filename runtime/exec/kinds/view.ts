import { basename } from 'node:path';
import type { KindResult, StepContext } from '../step-context.js';
import { producedFiles } from './produced.js';
import { writeRelation } from './table-io.js';

/** A feature view written to Parquet because a process step reads it as a file. */
export async function runView(ctx: StepContext): Promise<KindResult> {
  const data = await ctx.data.pipelineData(ctx.model, producedFiles(ctx));
  const rel = await data.relation(ctx.exec.id, { signal: ctx.signal });
  const path = ctx.outputPath('rows');
  const rows = await writeRelation(await ctx.data.engine(), rel, path, { signal: ctx.signal });
  ctx.log(`wrote ${rows.toLocaleString('en-US')} rows to ${basename(path)}`);
  return { metrics: { rows } };
}
