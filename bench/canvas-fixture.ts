// Generated pipelines as the canvas sees them, for the canvas benchmarks.

/**
 * A pipeline of exactly `nodes` canvas nodes shaped like large real ones (Kedro's and Elyra's big
 * projects): wide and shallow. One source per 20 nodes; the steps form branches of 8, each step reading
 * the one before it in its branch and, every third step, an output of the neighbouring branch; a branch
 * starts from a source. (bench/generate-pipeline.ts, one long chain fed by one source, suits the parser
 * benchmark but is a layout worst case no pipeline has: its long edges add n²/2 dummy nodes to ELK.)
 */
export function pipelineWithNodes(nodes: number): string {
  const sources = Math.max(1, Math.round(nodes / 20));
  const steps = nodes - sources;
  const depth = 8;
  const lines: string[] = [`pipeline wide "Generated with ${nodes} canvas nodes" {`, '  param lr: float = 0.1', ''];
  for (let s = 0; s < sources; s++) lines.push(`  source src${s} {`, `    path "data/src${s}/*.parquet"`, '    timestamp event_at', '  }', '');
  for (let i = 0; i < steps; i++) {
    const branch = Math.floor(i / depth);
    const inputs = i % depth === 0 ? [`src${branch % sources}`] : [`s${i - 1}.out`];
    const neighbour = i - depth;
    if (i % 3 === 2 && neighbour >= 0) inputs.push(`s${neighbour}.out`);
    lines.push(
      `  step s${i}: python {`,
      `    script "steps/s${i}.py"`,
      `    inputs [${inputs.join(', ')}]`,
      `    outputs { out: "s${i}.parquet" }`,
      '    params { lr: lr }',
      '  }',
      '',
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
