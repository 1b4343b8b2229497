import type { LangiumDocuments } from 'langium';
import { URI } from 'langium';
import { dirname } from 'node:path';
import type { ColumnProfile } from '../../runtime/data/profile.js';
import { profileColumns } from '../../runtime/data/profile.js';
import { resolveSource } from '../../runtime/data/sources.js';
import { analyzeDocument } from '../analysis/analysis.js';
import type { DataChecks } from './data-checks.js';
import type { ColumnSummary, DataCatalog } from './data-catalog.js';
import type { WorkspaceData } from './workspace-data.js';

/** Completion and hover data from the last background check, and column profiles on demand. */
export class DuckDbCatalog implements DataCatalog {
  constructor(private readonly checks: DataChecks, private readonly workspace: WorkspaceData, private readonly documents: LangiumDocuments) {}

  columns(uri: string, node: string): ColumnSummary[] | undefined {
    return this.checks.columns(uri, node);
  }

  async describeColumn(uri: string, node: string, column: string): Promise<string | undefined> {
    const known = this.checks.columns(uri, node)?.find((c) => c.name === column);
    if (!known) return undefined;
    const doc = this.documents.getDocument(URI.parse(uri));
    const source = doc && analyzeDocument(doc).model.nodes.find((n) => n.id === node);
    const engine = doc && await this.workspace.engineFor(doc.uri.fsPath)?.catch(() => undefined);
    if (!engine || source?.kind !== 'source' || !source.path) return `**${column}**: ${known.type.toLowerCase()} (column of ${node})`;
    try {
      const src = await resolveSource(engine, { path: source.path, baseDir: dirname(doc.uri.fsPath), format: source.format, name: source.name });
      const profile = await profileColumns(engine, src, { columns: [column] });
      const p = profile.columns[0];
      return p ? columnMarkdown(node, p, profile.rows) : undefined;
    } catch {
      return `**${column}**: ${known.type.toLowerCase()} (column of ${node})`;
    }
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/** A histogram as one line of block characters: enough to see the shape in a hover. */
export function sparkline(counts: number[]): string {
  const max = Math.max(...counts, 0);
  if (max === 0) return '';
  return counts.map((c) => (c === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((c / max) * (BARS.length - 1)))])).join('');
}

const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4)) : String(v));

export function columnMarkdown(owner: string, p: ColumnProfile, rows: number): string {
  const total = p.count + p.nulls;
  const nullRate = total ? (100 * p.nulls) / total : 0;
  const lines = [
    `**${p.name}**: ${p.type.toLowerCase()} · column of \`${owner}\``,
    '',
    `${rows.toLocaleString('en-US')} rows · nulls ${nullRate.toFixed(nullRate > 0 && nullRate < 0.1 ? 2 : 1)}% · distinct ${p.distinct === null ? '?' : p.distinct.toLocaleString('en-US')}`,
  ];
  if (p.min !== undefined && p.min !== null) {
    const stats = [`min ${fmt(p.min)}`, `max ${fmt(p.max)}`];
    if (p.mean !== undefined && p.mean !== null) stats.push(`mean ${fmt(p.mean)}`);
    if (p.p50 !== undefined && p.p50 !== null) stats.push(`median ${fmt(p.p50)}`);
    lines.push('', stats.join(' · '));
  }
  if (p.histogram?.length) {
    lines.push('', `\`${sparkline(p.histogram.map((b) => b.count))}\``, `${fmt(p.histogram[0].lo)} … ${fmt(p.histogram[p.histogram.length - 1].hi)}`);
  }
  if (p.top?.length) {
    lines.push('', p.top.slice(0, 5).map((t) => `\`${String(t.value)}\` ${t.count.toLocaleString('en-US')}`).join(' · '));
  }
  return lines.join('\n');
}
