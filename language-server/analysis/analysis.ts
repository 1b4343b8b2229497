import type { LangiumDocument } from 'langium';
import type * as ast from '../generated/ast.js';
import type { PipelineModel } from '../model/pipeline-model.js';
import { SymbolTable } from './symbols.js';
import { toPipelineModel } from './to-model.js';

export interface Analysis {
  symbols: SymbolTable;
  model: PipelineModel;
}

// Keyed by the root AST node: Langium builds a new one on every change, so entries never go stale.
const cache = new WeakMap<ast.Document, Analysis>();

/** Symbols and the plain model of a parsed document, computed once per parse. */
export function analyze(root: ast.Document): Analysis {
  let a = cache.get(root);
  if (!a) {
    const symbols = new SymbolTable(root);
    a = { symbols, model: toPipelineModel(root, symbols) };
    cache.set(root, a);
  }
  return a;
}

export function analyzeDocument(doc: LangiumDocument): Analysis {
  return analyze(doc.parseResult.value as ast.Document);
}
