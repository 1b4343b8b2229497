import type { LangiumDocument } from 'langium';
import type * as ast from '../generated/ast.js';
import type { PipelineModel } from '../model/pipeline-model.js';
import { SymbolTable } from './symbols.js';
import { toPipelineModel } from './to-model.js';

/** Symbols of a parse, and its plain model built only when someone asks (canvas, runtime, CLI). */
export class Analysis {
  readonly symbols: SymbolTable;
  private cachedModel: PipelineModel | undefined;

  constructor(private readonly root: ast.Document) {
    this.symbols = new SymbolTable(root);
  }

  get model(): PipelineModel {
    this.cachedModel ??= toPipelineModel(this.root, this.symbols);
    return this.cachedModel;
  }
}

// Keyed by the root AST node: Langium builds a new one on every change, so entries never go stale.
const cache = new WeakMap<ast.Document, Analysis>();

/** The analysis of a parsed document, computed once per parse and shared by every provider. */
export function analyze(root: ast.Document): Analysis {
  let a = cache.get(root);
  if (!a) {
    a = new Analysis(root);
    cache.set(root, a);
  }
  return a;
}

export function analyzeDocument(doc: LangiumDocument): Analysis {
  return analyze(doc.parseResult.value as ast.Document);
}
