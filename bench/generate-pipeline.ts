/** A synthetic but realistic pipeline: a few sources, then `steps` steps each reading earlier outputs. */
export function generatePipeline(steps: number): string {
  const lines: string[] = [`pipeline big "Generated with ${steps} steps" {`, '  param lr: float = 0.1', '  param epochs: int = 10', ''];
  const sources = Math.max(1, Math.round(steps / 100));
  for (let s = 0; s < sources; s++) {
    lines.push(`  source src${s} {`, `    path "data/src${s}/*.parquet"`, '    timestamp event_at', '    expect id not_null', '  }', '');
  }
  for (let i = 0; i < steps; i++) {
    const inputs = [`src${i % sources}`];
    if (i > 0) inputs.push(`s${i - 1}.out`);
    if (i > 10) inputs.push(`s${i - 10}.out`);
    lines.push(
      `  step s${i}: python "Generated step ${i}" {`,
      `    script "steps/s${i}.py"`,
      `    inputs [${inputs.join(', ')}]`,
      `    outputs { out: "s${i}.parquet" }`,
      '    params { lr: lr, epochs: epochs }',
      '    resources { cpus: 1, memory: 2GB, timeout: 1h }',
      '    retries 1',
      '  }',
      '',
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
