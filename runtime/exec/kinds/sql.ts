import { basename } from 'node:path';
import { sqlRelation, type Relation } from '../../data/relation.js';
import type { KindResult, StepContext } from '../step-context.js';
import { StepFailure } from '../step-context.js';
import { producedFiles } from './produced.js';
import { writeRelation } from './table-io.js';

/** A `sql` step: DuckDB SQL over the inputs (tables named after them), written to the step's output. */
export async function runSql(ctx: StepContext): Promise<KindResult> {
  const node = ctx.exec.node;
  if (node.kind !== 'step' || !node.sql) throw new StepFailure('sql step without sql', 'error');
  const data = await ctx.data.pipelineData(ctx.model, producedFiles(ctx));
  const tables: Record<string, Relation> = {};
  for (const input of ctx.inputs) tables[input.table] = await ctx.data.relation(input, data, ctx.signal);
  const out = ctx.exec.outputs[0];
  const path = ctx.outputPath(out.name);
  const rows = await writeRelation(await ctx.data.engine(), sqlRelation(node.name, node.sql, tables), path, { signal: ctx.signal });
  ctx.log(`wrote ${rows.toLocaleString('en-US')} rows to ${basename(path)}`);
  return { metrics: { rows } };
}
