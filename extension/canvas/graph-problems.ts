/**
 * Diagnostics that arrive after their model (the language server pushes the model before
 * validating, see custom-requests.ts). Pure, like canvas-graph.ts.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { SourceRange } from '../../language-server/model/pipeline-model.js';
import type { CanvasGraph, CanvasNode, CanvasProblem } from '../../webviews/canvas/protocol.js';
import { problemsByNode } from './canvas-graph.js';

/**
 * A graph built before its diagnostics shows each node's problems of `previous` until they come:
 * badges that vanish and come back a moment later would flicker on every gesture.
 */
export function withProblemsOf(graph: CanvasGraph, previous: CanvasGraph | null): CanvasGraph {
  if (!previous) return graph;
  const before = new Map(previous.nodes.map((n) => [n.id, n.problems]));
  return { ...graph, nodes: graph.nodes.map((n) => withProblems(n, before.get(n.id) ?? [])) };
}

/** `graph` with the problems of `diagnostics`; nodes whose problems are unchanged keep their objects. */
export function withDiagnostics(graph: CanvasGraph, nodes: readonly { id: string; range: SourceRange }[], diagnostics: readonly Diagnostic[]): CanvasGraph {
  const problems = problemsByNode(nodes, diagnostics);
  return { ...graph, nodes: graph.nodes.map((n) => withProblems(n, problems.get(n.id) ?? [])) };
}

function withProblems(node: CanvasNode, problems: CanvasProblem[]): CanvasNode {
  return JSON.stringify(node.problems) === JSON.stringify(problems) ? node : { ...node, problems };
}
