import type { AstNode, LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { analyzeDocument } from '../analysis/analysis.js';
import { rangeOf } from '../analysis/blocks.js';
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
    const cst = block?.$cstNode;
    if (!block || !cst) return undefined;
    const text = document.textDocument;
    const close = cst.range.end; // the closing brace ends the block
    const headerLine = text.getText({ start: { line: cst.range.start.line, character: 0 }, end: cst.range.start });
    const indent = /^\s*/.exec(headerLine)![0];
    const inner = `${indent}  `;
    const exampleLines = example.split('\n').map((l, i) => (i === 0 ? l : `${inner}${l}`)).join('\n');
    const closeLinePrefix = text.getText({ start: { line: close.line, character: 0 }, end: { line: close.line, character: close.character - 1 } });
    if (/^\s*$/.test(closeLinePrefix) && close.line > cst.range.start.line) {
      // `}` on its own line: add a line above it.
      return { range: { start: { line: close.line, character: 0 }, end: { line: close.line, character: 0 } }, newText: `${inner}${key} ${exampleLines}\n` };
    }
    // `{ }` or `{}` on the header line: open it up.
    const bracePos = { line: close.line, character: close.character - 1 };
    const before = text.getText({ start: { line: close.line, character: 0 }, end: bracePos }).replace(/\s*$/, '');
    return {
      range: { start: { line: close.line, character: before.length }, end: bracePos },
      newText: `\n${inner}${key} ${exampleLines}\n${indent}`,
    };
  }

  private removeDeclaration(document: LangiumDocument, d: Diagnostic): TextEdit | undefined {
    const node = this.blockAt(document, d);
    if (!node?.$cstNode) return undefined;
    const r = node.$cstNode.range;
    const text = document.textDocument;
    const lineText = (line: number) => text.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    const before = text.getText({ start: { line: r.start.line, character: 0 }, end: r.start });
    const after = lineText(r.end.line).slice(r.end.character);
    // Whole lines when the declaration has them to itself, else just its text.
    if (/^\s*$/.test(before) && /^\s*$/.test(after)) {
      return { range: { start: { line: r.start.line, character: 0 }, end: { line: r.end.line + 1, character: 0 } }, newText: '' };
    }
    return { range: r, newText: '' };
  }
}
