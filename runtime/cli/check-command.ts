import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { checkSources, type SourceReport } from '../data/check-sources.js';
import type { ExpectationResult } from '../data/expectation-result.js';
import { loadPipeline } from '../pipeline/load.js';
import { withEngine } from './data-cli.js';
import { UsageError, type Io } from './output.js';
import { readable } from './validate-command.js';


/** `mlpipe check`: evaluates the expectations of every source of a pipeline against its data. */
export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { json: { type: 'boolean', default: false }, source: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) throw new UsageError('check: name exactly one .mlpipe file');
  const file = positionals[0];
  await readable(file);
  const { model } = await loadPipeline(file);
  const baseDir = dirname(resolve(file));
  return withEngine([file], io, async (engine) => {
    const reports = await checkSources(engine, model, baseDir, { sources: values.source });
    const results = reports.flatMap((r) => r.results);
    const problems = reports.flatMap((r) => r.problems);
    if (values.json) {
      io.out(JSON.stringify({ file, sources: reports.map(sourceSummary), results: results.map(resultJson), problems }));
    } else {
      printText(file, reports, io);
    }
    const failed = results.some((r) => !r.success && r.severity === 'error') || problems.some((p) => p.severity === 'error');
    return failed ? 1 : 0;
  });
}

function sourceSummary(r: SourceReport) {
  return { source: r.source, files: r.files, rows: r.rows, columns: r.columns };
}

/** The issue's per-expectation record, keys in a stable order. */
function resultJson(r: ExpectationResult) {
  return {
    source: r.source, id: r.id, expectation: r.expectation, kind: r.kind, severity: r.severity, success: r.success,
    element_count: r.element_count, unexpected_count: r.unexpected_count, unexpected_percent: r.unexpected_percent,
    missing_count: r.missing_count, observed_value: r.observed_value ?? null,
    unexpected_sample: r.unexpected_sample, unexpected_rows: r.unexpected_rows,
    message: r.message, ...(r.error ? { error: r.error } : {}), range: r.range,
  };
}

function printText(file: string, reports: SourceReport[], io: Io): void {
  const where = (range: { start: { line: number; character: number } }) => `${file}:${range.start.line + 1}:${range.start.character + 1}`;
  let passed = 0, failed = 0, warned = 0;
  for (const report of reports) {
    io.out(`${report.source}: ${report.rows === null ? 'not read' : `${report.rows.toLocaleString('en-US')} rows`} from ${report.files.length} file(s)`);
    for (const p of report.problems) io.err(`${where(p.range)}: ${p.severity} data-${p.code}: ${p.message}`);
    for (const r of report.results) {
      if (r.success) {
        passed++;
        io.out(`  ok    ${r.message}`);
      } else {
        if (r.severity === 'error') failed++;
        else warned++;
        io.out(`  ${r.severity === 'error' ? 'FAIL' : 'warn'}  ${r.message}`);
        io.err(`${where(r.range)}: ${r.severity} data-expectation: ${r.message}`);
      }
    }
  }
  const problems = reports.reduce((n, r) => n + r.problems.length, 0);
  io.out(`${passed} passed, ${failed} failed, ${warned} warnings${problems ? `, ${problems} data problems` : ''}`);
}
