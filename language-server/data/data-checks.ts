import type { LangiumDocument } from 'langium';
import { dirname } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { checkSources, type SourceReport } from '../../runtime/data/check-sources.js';
import type { ColumnInfo } from '../../runtime/data/column-types.js';
import { isCancelled } from '../../runtime/data/errors.js';
import { checkColumns, type ColumnProblem } from '../../runtime/data/pipeline-data.js';
import { analyzeDocument } from '../analysis/analysis.js';
import type * as ast from '../generated/ast.js';
import { DataSites } from './data-sites.js';
import type { WorkspaceData } from './workspace-data.js';

/** A data finding, placed by identity so it survives edits made while the check ran (see DataSites). */
type Finding =
  | { at: 'expectation'; id: string; text: string; diagnostic: Omit<Diagnostic, 'range'> }
  | { at: 'property'; block: string; key: string; diagnostic: Omit<Diagnostic, 'range'> }
  | { at: 'name'; block: string; name: string; diagnostic: Omit<Diagnostic, 'range'> };

interface DocumentData {
  findings: Map<string, Finding[]>;
  /** Real columns per source or feature view, for completion and hover. */
  columns: Map<string, ColumnInfo[]>;
  running?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
}

export interface DataCheckEvents {
  /** New findings for a document: republish its diagnostics. */
  changed(uri: string): void;
  /** A check is taking a while: show progress until `done` is called. */
  slow(uri: string, what: string): { done(): void };
  failed(uri: string, error: unknown): void;
}

const DEBOUNCE_MS = 300;
const SLOW_MS = 1000;
export const DATA_SOURCE = 'mlpipe-data';

/**
 * Runs a document's data checks in the background: debounced after edits, the previous run aborted
 * (DuckDB's interrupt) when a newer edit arrives, each source's results published as soon as it
 * finishes. Nothing runs unless the workspace is trusted.
 */
export class DataChecks {
  private readonly docs = new Map<string, DocumentData>();

  constructor(private readonly workspace: WorkspaceData, private readonly events: DataCheckEvents) {}

  /** Findings placed on the current text of `doc`. */
  diagnostics(doc: LangiumDocument): Diagnostic[] {
    const data = this.docs.get(doc.uri.toString());
    if (!data?.findings.size || !this.workspace.trusted) return [];
    const sites = new DataSites(doc.parseResult.value as ast.Document);
    const out: Diagnostic[] = [];
    for (const findings of data.findings.values()) {
      for (const f of findings) {
        const range = f.at === 'expectation' ? sites.expectation(f.id, f.text) : f.at === 'property' ? sites.property(f.block, f.key) : sites.name(f.block, f.name);
        if (range) out.push({ ...f.diagnostic, range });
      }
    }
    return out;
  }

  columns(uri: string, node: string): ColumnInfo[] | undefined {
    return this.docs.get(uri)?.columns.get(node);
  }

  /** Schedules a check of the document (after edits settle). */
  schedule(doc: LangiumDocument, delay = DEBOUNCE_MS): void {
    const uri = doc.uri.toString();
    if (doc.uri.scheme !== 'file') return;
    const data = this.state(uri);
    clearTimeout(data.timer);
    data.timer = setTimeout(() => void this.run(doc), delay);
  }

  forget(uri: string): void {
    const data = this.docs.get(uri);
    if (!data) return;
    clearTimeout(data.timer);
    data.running?.abort();
    this.docs.delete(uri);
  }

  /** Drops every finding (trust revoked): the next publish shows language diagnostics only. */
  clear(): void {
    for (const uri of [...this.docs.keys()]) {
      this.forget(uri);
      this.events.changed(uri);
    }
  }

  private state(uri: string): DocumentData {
    let data = this.docs.get(uri);
    if (!data) this.docs.set(uri, data = { findings: new Map(), columns: new Map() });
    return data;
  }

  private async run(doc: LangiumDocument): Promise<void> {
    const uri = doc.uri.toString();
    const file = doc.uri.fsPath;
    const engine = await this.workspace.engineFor(file)?.catch(() => undefined);
    if (!engine) return;
    const data = this.state(uri);
    data.running?.abort();
    const controller = new AbortController();
    data.running = controller;
    const { signal } = controller;
    const model = analyzeDocument(doc).model;
    const baseDir = dirname(file);
    let progress: { done(): void } | undefined;
    const slow = setTimeout(() => { progress = this.events.slow(uri, 'checking data'); }, SLOW_MS);
    try {
      const present = new Set(model.nodes.filter((n) => n.kind === 'source').map((n) => n.name));
      for (const key of [...data.findings.keys()]) if (key.startsWith('source:') && !present.has(key.slice(7))) data.findings.delete(key);
      await checkSources(engine, model, baseDir, {
        signal,
        onSource: (report) => {
          if (signal.aborted) return;
          data.columns.set(report.source, report.columns);
          data.findings.set(`source:${report.source}`, sourceFindings(report));
          this.events.changed(uri);
        },
      });
      const columnProblems = await checkColumns(engine, model, baseDir, {
        signal, onColumns: (node, columns) => { if (!signal.aborted) data.columns.set(node, columns); },
      });
      if (signal.aborted) return;
      data.findings.set('columns', columnProblems.map(columnFinding));
      this.events.changed(uri);
    } catch (e) {
      // Problems with the data itself arrive as findings; anything else is ours to log.
      if (!isCancelled(e) && !signal.aborted) this.events.failed(uri, e);
    } finally {
      clearTimeout(slow);
      progress?.done();
      if (data.running === controller) data.running = undefined;
    }
  }
}

function severity(s: 'error' | 'warning'): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
}

function sourceFindings(report: SourceReport): Finding[] {
  const out: Finding[] = [];
  for (const r of report.results) {
    if (r.success && !r.error) continue;
    const code = r.error ? 'data-expectation-error' : 'data-expectation';
    out.push({
      at: 'expectation', id: r.id, text: r.expectation,
      diagnostic: {
        severity: r.error ? DiagnosticSeverity.Error : severity(r.severity), code, source: DATA_SOURCE, message: r.error ?? r.message,
        data: { code, suggestions: [] },
      },
    });
  }
  for (const p of report.problems) {
    const code = `data-${p.code}`;
    const diagnostic = { severity: severity(p.severity), code, source: DATA_SOURCE, message: p.message, data: { code, suggestions: p.suggestions ?? [] } };
    // A schema problem sits on the column's name (so "did you mean" can replace it); file problems on `path`.
    if (p.column) out.push({ at: 'name', block: report.source, name: p.column, diagnostic });
    else out.push({ at: 'property', block: report.source, key: p.code === 'schema-type' ? 'schema' : 'path', diagnostic });
  }
  return out;
}

function columnFinding(p: ColumnProblem): Finding {
  const code = 'data-unknown-column';
  return {
    at: 'name', block: p.node, name: p.column,
    diagnostic: { severity: severity(p.severity), code, source: DATA_SOURCE, message: p.message, data: { code, suggestions: p.suggestions } },
  };
}
