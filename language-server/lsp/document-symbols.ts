import type { LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import * as ast from '../generated/ast.js';
import { analyzeDocument } from '../analysis/analysis.js';
import { blockKind, isBlock, nameRange, rangeOf } from '../analysis/blocks.js';
import type { NodeKind } from '../model/pipeline-model.js';

const KIND: Record<NodeKind, SymbolKind> = {
  source: SymbolKind.Class, features: SymbolKind.Interface, training_set: SymbolKind.Struct, step: SymbolKind.Function,
  model: SymbolKind.Object, deploy: SymbolKind.Event, monitor: SymbolKind.Event,
};

const LABEL: Record<NodeKind, string> = {
  source: 'source', features: 'feature view', training_set: 'training set', step: 'step', model: 'model', deploy: 'deployment', monitor: 'monitor',
};

/** The outline: the pipeline with its params and blocks, outputs and features as children, then targets. */
export class MLPipeDocumentSymbolProvider {
  constructor(_services: LangiumServices) {}

  getSymbols(document: LangiumDocument): DocumentSymbol[] {
    const root = document.parseResult.value as ast.Document;
    const { symbols } = analyzeDocument(document);
    const sym = (name: string, detail: string, kind: SymbolKind, node: ast.Pipeline | ast.Param | ast.Target | ast.FeatureColumn | ast.MapEntry | ast.Source, children?: DocumentSymbol[]): DocumentSymbol => ({
      name: name || '(unnamed)', detail, kind, range: rangeOf(node), selectionRange: ast.isMapEntry(node) ? rangeOf(node) : nameRange(node), children,
    });
    const out: DocumentSymbol[] = [];
    for (const p of root.pipelines) {
      const children: DocumentSymbol[] = [];
      for (const m of p.members) {
        if (ast.isParam(m)) children.push(sym(m.name, `param${m.type ? `: ${m.type}` : ''}`, SymbolKind.Variable, m));
        else if (ast.isTarget(m)) children.push(targetSymbol(m));
        else if (isBlock(m)) {
          const kind = blockKind(m);
          const decl = symbols.members.get(m.name);
          const kids: DocumentSymbol[] = [];
          if (decl && ast.isStep(m)) for (const o of symbols.outputsOf(decl)) kids.push({ name: o.name, detail: 'output', kind: SymbolKind.Field, range: rangeOf(o.node), selectionRange: o.nameRange });
          if (ast.isFeatureView(m)) for (const c of m.columns) kids.push(sym(c.name, `feature${c.type ? `: ${c.type}` : ''}`, SymbolKind.Field, c));
          const detail = ast.isStep(m) ? `${m.kind} step` : LABEL[kind];
          children.push({ name: m.name || '(unnamed)', detail, kind: KIND[kind], range: rangeOf(m), selectionRange: nameRange(m), children: kids });
        }
      }
      out.push(sym(p.name, p.description ?? 'pipeline', SymbolKind.Namespace, p, children));
    }
    for (const t of root.targets) out.push(targetSymbol(t));
    return out;

    function targetSymbol(t: ast.Target): DocumentSymbol {
      return { name: t.name || '(unnamed)', detail: `${t.kind} target`, kind: SymbolKind.Module, range: rangeOf(t), selectionRange: nameRange(t) };
    }
  }
}
