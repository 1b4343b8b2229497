import type { AstNode, LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { analyzeDocument } from '../analysis/analysis.js';
import { rangeOf } from '../analysis/blocks.js';
import { insertPropertyEdit, removeNodeEdit } from '../edits/text-edits.js';
import { contains } from './locate.js';
import { Codes, type DiagnosticData } from '../validation/codes.js';

/**
 * Quick fixes keyed on diagnostic codes: did-you-mean replacements, inserting a missing required
 * property, removing an unused source or param.
 */
export class MLPipeCodeActionProvider {
  constructor(_services: LangiumServices) {}

  getCodeActions(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      const data = d.data as DiagnosticData | undefined;
      if (!data?.code) continue;
      if (data.suggestions?.length) {
        data.suggestions.forEach((s, i) => actions.push(this.fix(document, d, `Change to '${s}'`, [{ range: d.range, newText: s }], i === 0)));
      }
      if (data.code === Codes.missingProperty && data.property) {
        const edit = this.insertProperty(document, d, data.property, data.example ?? '');
        if (edit) actions.push(this.fix(document, d, `Add '${data.property}'`, [edit], true));
      }
      if (data.code === Codes.unusedSource || data.code === Codes.unusedParam) {
        const edit = this.removeDeclaration(document, d);
        if (edit) actions.push(this.fix(document, d, `Remove unused ${data.code === Codes.unusedSource ? 'source' : 'param'}`, [edit], false));
      }
    }
    return actions;
  }

  private fix(document: LangiumDocument, diagnostic: Diagnostic, title: string, edits: TextEdit[], isPreferred: boolean): CodeAction {
    return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred, edit: { changes: { [document.uri.toString()]: edits } } };
  }

  /** The block whose header carries the diagnostic. */
  private blockAt(document: LangiumDocument, d: Diagnostic): AstNode | undefined {
    const { symbols } = analyzeDocument(document);
    for (const decl of symbols.declarations()) {
      if (!decl.builtin && contains(rangeOf(decl.node), d.range.start) && contains(decl.nameRange, d.range.start)) return decl.node;
    }
    return undefined;
  }

  private insertProperty(document: LangiumDocument, d: Diagnostic, key: string, example: string): TextEdit | undefined {
    const block = this.blockAt(document, d);
    if (!block?.$cstNode) return undefined;
    const indentUnit = /\n([ \t]+)\S/.exec(document.textDocument.getText())?.[1] ?? '  ';
    return insertPropertyEdit(document.textDocument, block, indentUnit, `${key} ${example}`);
  }

  private removeDeclaration(document: LangiumDocument, d: Diagnostic): TextEdit | undefined {
    const node = this.blockAt(document, d);
    return node?.$cstNode ? removeNodeEdit(document.textDocument, node) : undefined;
  }
}
