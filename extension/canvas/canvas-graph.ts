/**
 * What the canvas shows, prepared from the language server's answer. Pure (no vscode import) so it
 * is unit-tested directly; the webview only draws the result.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Position, SourceRange } from '../../language-server/model/pipeline-model.js';
import type { CanvasModel } from '../../language-server/lsp/protocol.js';
import type { CanvasEdge, CanvasGraph, CanvasNode, CanvasProblem, PipelineEdge } from '../../webviews/canvas/protocol.js';

const SEVERITY: Record<number, CanvasProblem['severity'] | undefined> = { 1: 'error', 2: 'warning', 3: 'info' };

export const edgeId = (e: PipelineEdge): string => `${e.from}${e.fromPort ? `.${e.fromPort}` : ''}->${e.to}:${e.role}`;

/** What the graph is made of: the pushed model (`CanvasModel`) or the whole one, which has its fields too. */
export interface ModelAndDiagnostics {
  model: CanvasModel;
  diagnostics: readonly Diagnostic[];
}

/** Anything with an id and the range of its block. */
interface Block {
  id: string;
  range: SourceRange;
}

/** `textOf` reads the document's text in a range (the version the model was built from). */
export function toCanvasGraph(result: ModelAndDiagnostics, textOf: (range: SourceRange) => string): CanvasGraph {
  const { model } = result;
  const problems = problemsByNode(model.nodes, result.diagnostics);
  const nodes = model.nodes.map((n): CanvasNode => ({
    id: n.id,
    kind: n.kind,
    ...(n.kind === 'step' ? { stepKind: n.stepKind } : {}),
    specId: n.kind === 'step' ? `step:${n.stepKind}` : n.kind,
    ...(n.description ? { description: n.description } : {}),
    outputs: n.kind === 'step' ? n.outputs.map((o) => o.name) : [],
    props: n.props.map((p) => ({ key: p.key, text: textOf(p.range).slice(p.key.length).trim() })),
    problems: problems.get(n.id) ?? [],
  }));
  const seen = new Set<string>();
  const edges: CanvasEdge[] = [];
  for (const e of model.edges) {
    const id = edgeId(e);
    // `inputs [a, a]` is one edge to draw (the duplicate is a diagnostic on the node).
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, from: e.from, ...(e.fromPort ? { fromPort: e.fromPort } : {}), to: e.to, role: e.role });
  }
  return { name: model.name, nodes, edges, targets: ['local', ...model.targets.map((t) => t.name).filter((t) => t !== 'local')] };
}

/** Each diagnostic goes to the block it starts in; diagnostics outside blocks show on no node. */
export function problemsByNode(nodes: readonly Block[], diagnostics: readonly Diagnostic[]): Map<string, CanvasProblem[]> {
  const out = new Map<string, CanvasProblem[]>();
  for (const d of diagnostics) {
    const node = nodeAt(nodes, d.range.start);
    const severity = SEVERITY[d.severity ?? 1];
    if (!node || !severity) continue;
    const list = out.get(node.id) ?? [];
    list.push({ severity, message: messageText(d), line: d.range.start.line, ...(typeof d.code === 'string' ? { code: d.code } : {}) });
    out.set(node.id, list);
  }
  return out;
}

const messageText = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

export function nodeAt<N extends Block>(nodes: readonly N[], pos: Position): N | undefined {
  return nodes.find((n) => contains(n.range, pos));
}

function contains(r: SourceRange, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

/** The first syntax error, for the canvas's banner. */
export function firstSyntaxError(diagnostics: readonly Diagnostic[]): { message: string; line: number } | undefined {
  const d = diagnostics.find((x) => x.code === 'syntax-error');
  return d && { message: messageText(d), line: d.range.start.line };
}

/** Nodes outside `deleted` that read from a node in it: deleting then also removes their references. */
export function readersOf(model: Pick<CanvasModel, 'edges'>, deleted: readonly string[]): string[] {
  const gone = new Set(deleted);
  return [...new Set(model.edges.filter((e) => gone.has(e.from) && !gone.has(e.to)).map((e) => e.to))];
}
