import type { AstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import * as ast from '../generated/ast.js';
import { analyze } from '../analysis/analysis.js';
import type { DeclKind } from '../analysis/symbols.js';

const TYPE_OF: Record<DeclKind, SemanticTokenTypes> = {
  param: SemanticTokenTypes.parameter, source: SemanticTokenTypes.class, features: SemanticTokenTypes.interface,
  training_set: SemanticTokenTypes.struct, step: SemanticTokenTypes.function, model: SemanticTokenTypes.type,
  deploy: SemanticTokenTypes.event, monitor: SemanticTokenTypes.event, target: SemanticTokenTypes.namespace,
  output: SemanticTokenTypes.property, feature_column: SemanticTokenTypes.property,
};

/**
 * Colours names by what they resolve to (a source, a step, an output, a param ...), which the
 * TextMate grammar alone cannot know. Everything is computed from the symbol table on the root.
 */
export class MLPipeSemanticTokenProvider extends AbstractSemanticTokenProvider {
  protected highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void | 'prune' {
    if (!ast.isDocument(node)) return 'prune';
    const { symbols } = analyze(node);
    for (const d of symbols.declarations()) {
      if (d.builtin) continue;
      acceptor({ range: d.nameRange, type: TYPE_OF[d.kind], modifier: [SemanticTokenModifiers.declaration] });
    }
    for (const r of symbols.references) {
      for (const s of r.segments) {
        if (s.target) acceptor({ range: s.range, type: TYPE_OF[s.target.kind], modifier: s.target.kind === 'param' ? [SemanticTokenModifiers.readonly] : [] });
      }
    }
    for (const n of streamBlocks(node)) {
      if (ast.isStep(n) || ast.isTarget(n)) acceptor({ node: n, property: 'kind', type: SemanticTokenTypes.enumMember });
      for (const p of n.props ?? []) acceptor({ node: p, property: 'key', type: SemanticTokenTypes.property });
      if (ast.isSource(n)) {
        for (const e of n.expectations) {
          const c = e.check;
          if (ast.isColumnCheck(c) || ast.isFreshnessCheck(c)) acceptor({ node: c, property: 'column', type: SemanticTokenTypes.variable });
          if (ast.isCallCheck(c)) {
            acceptor({ node: c, property: 'fn', type: SemanticTokenTypes.function });
            c.columns.forEach((_, i) => acceptor({ node: c, property: 'columns', index: i, type: SemanticTokenTypes.variable }));
          }
        }
      }
    }
    return 'prune';
  }
}

function* streamBlocks(root: ast.Document): Iterable<AstNode & { props?: ast.Property[] }> {
  for (const p of root.pipelines) yield* p.members;
  yield* root.targets;
}
