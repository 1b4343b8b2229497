import { GrammarUtils, type AstNode, type CstNode, type LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import type { IToken } from 'chevrotain';
import type {
  DocumentFormattingParams, DocumentOnTypeFormattingOptions, DocumentRangeFormattingParams, Range, TextEdit,
} from 'vscode-languageserver';
import * as ast from '../generated/ast.js';
import { isBlock } from '../analysis/blocks.js';

/**
 * Canonical layout, computed from the token stream so comments are never lost:
 * two-space indentation, `{` on the header line, one member or property per line, at most one blank
 * line kept between them and exactly one between top-level blocks, single spaces inside a line.
 * Lists and maps stay on one line unless they were written across lines (then one item per line).
 * Only whitespace between tokens changes, and every decision depends only on the tokens and on
 * whether a collection spans lines, so formatting is idempotent. Text with syntax errors is left alone.
 */
export class MLPipeFormatter {
  constructor(private readonly services: LangiumServices) {}

  formatDocument(document: LangiumDocument, params: DocumentFormattingParams): TextEdit[] {
    return this.edits(document, params.options.tabSize, params.options.insertSpaces);
  }

  formatDocumentRange(document: LangiumDocument, params: DocumentRangeFormattingParams): TextEdit[] {
    const inRange = (r: Range) => r.start.line >= params.range.start.line && r.end.line <= params.range.end.line;
    return this.edits(document, params.options.tabSize, params.options.insertSpaces).filter((e) => inRange(e.range));
  }

  formatDocumentOnType(): TextEdit[] {
    return [];
  }

  get formatOnTypeOptions(): DocumentOnTypeFormattingOptions | undefined {
    return undefined;
  }

  private edits(document: LangiumDocument, tabSize = 2, insertSpaces = true): TextEdit[] {
    const { parseResult } = document;
    if (parseResult.lexerErrors.length || parseResult.parserErrors.length) return [];
    const text = document.textDocument.getText();
    const lexed = this.services.parser.Lexer.tokenize(text);
    const tokens = [...lexed.tokens, ...(lexed.hidden ?? [])].filter((t) => !/^\s*$/.test(t.image)).sort((a, b) => a.startOffset - b.startOffset);
    const gaps = layout(parseResult.value as ast.Document, text, tokens, insertSpaces ? ' '.repeat(tabSize) : '\t');
    return gaps.map((g) => ({
      range: { start: document.textDocument.positionAt(g.start), end: document.textDocument.positionAt(g.end) },
      newText: g.text,
    }));
  }
}

interface Gap { start: number; end: number; text: string }

type Role = 'open' | 'close' | 'openInline' | 'closeInline' | 'line' | 'topLevel';

/** The whitespace every gap between tokens should have; returns only gaps that differ. */
export function layout(root: ast.Document, text: string, tokens: IToken[], indentUnit: string): Gap[] {
  const roles = structuralRoles(root);
  const out: Gap[] = [];
  let depth = 0;
  let prev: IToken | undefined;
  for (const tok of tokens) {
    const role = roles.get(tok.startOffset);
    const isComment = tok.tokenType.name.endsWith('COMMENT');
    if (role === 'close') depth--;
    const start = prev ? prev.endOffset! + 1 : 0;
    const existing = text.slice(start, tok.startOffset);
    const newlines = (existing.match(/\n/g) ?? []).length;
    let ws: string;
    if (!prev) ws = '';
    else {
      const prevRole = roles.get(prev.startOffset);
      const prevIsLineComment = prev.tokenType.name === 'SL_COMMENT';
      const breakLine = prevIsLineComment || role === 'line' || role === 'topLevel' || role === 'close' || (isComment && newlines > 0)
        || prevRole === 'open';
      if (breakLine) {
        let lines = Math.min(Math.max(newlines, 1), 2);
        if (prevRole === 'open' || role === 'close') lines = 1;
        if (role === 'topLevel' && !prev.tokenType.name.endsWith('COMMENT')) lines = 2;
        ws = '\n'.repeat(lines) + indentUnit.repeat(depth);
      } else ws = inlineSpace(prev, tok, prevRole, role);
    }
    if (ws !== existing) out.push({ start, end: tok.startOffset, text: ws });
    if (role === 'open') depth++;
    prev = tok;
  }
  if (prev) {
    const start = prev.endOffset! + 1;
    if (text.slice(start) !== '\n') out.push({ start, end: text.length, text: '\n' });
  }
  return out;
}

function inlineSpace(prev: IToken, tok: IToken, prevRole: Role | undefined, role: Role | undefined): string {
  const p = prev.image;
  const c = tok.image;
  if ((p === '{' && c === '}') || (p === '[' && c === ']')) return '';
  if (role === 'closeInline') return p === '{' || p === '[' ? '' : c === '}' ? ' ' : '';
  if (prevRole === 'openInline') return p === '{' ? ' ' : '';
  if (c === ',' || c === ':' || c === '.' || c === '@' || c === ')') return '';
  if (p === '.' || p === '@' || p === '(') return '';
  if (c === '(' && prev.tokenType.name !== 'Keyword' && /^[A-Za-z_]/.test(p)) return '';
  return ' ';
}

/** Token offsets that start a line, open or close an indented region, or open/close a one-line collection. */
function structuralRoles(root: ast.Document): Map<number, Role> {
  const roles = new Map<number, Role>();
  const first = (n: AstNode | CstNode | undefined) => ('$cstNode' in (n ?? {}) ? (n as AstNode).$cstNode : (n as CstNode | undefined))?.offset;
  const mark = (offset: number | undefined, role: Role) => { if (offset !== undefined) roles.set(offset, role); };
  const braces = (node: AstNode, open: string, close: string): [CstNode | undefined, CstNode | undefined] => {
    const cst = node.$cstNode;
    if (!cst) return [undefined, undefined];
    const opens = GrammarUtils.findNodesForKeyword(cst, open);
    const closes = GrammarUtils.findNodesForKeyword(cst, close);
    return [opens[0], closes[closes.length - 1]];
  };
  const block = (node: AstNode, members: AstNode[]) => {
    const [o, c] = braces(node, '{', '}');
    if (!members.length) return;
    mark(o?.offset, 'open');
    mark(c?.offset, 'close');
    for (const m of members) mark(first(m), 'line');
  };
  const visitValue = (v: AstNode | undefined): void => {
    if (!v) return;
    if (ast.isListValue(v) || ast.isMapValue(v)) {
      const items: AstNode[] = ast.isListValue(v) ? v.items : v.entries;
      const [o, c] = ast.isListValue(v) ? braces(v, '[', ']') : braces(v, '{', '}');
      const cst = v.$cstNode;
      const multiline = !!cst && cst.range.start.line !== cst.range.end.line && items.length > 0;
      mark(o?.offset, multiline ? 'open' : 'openInline');
      mark(c?.offset, multiline ? 'close' : 'closeInline');
      for (const item of items) {
        if (multiline) mark(first(item), 'line');
        visitValue(ast.isMapEntry(item) ? item.value : item);
      }
    } else if (ast.isComparison(v)) {
      visitValue(v.left);
      visitValue(v.right);
    }
  };
  const items = [...root.pipelines, ...root.targets];
  for (const item of items) mark(first(item), 'topLevel');
  for (const p of root.pipelines) {
    block(p, p.members);
    for (const m of p.members) {
      if (ast.isParam(m)) visitValue(m.value);
      else if (isBlock(m) || ast.isTarget(m)) visitBlock(m);
    }
  }
  for (const t of root.targets) visitBlock(t);
  function visitBlock(b: ast.Source | ast.FeatureView | ast.TrainingSet | ast.Step | ast.Model | ast.Deployment | ast.Monitor | ast.Target): void {
    const members: AstNode[] = [...b.props, ...(ast.isSource(b) ? b.expectations : []), ...(ast.isFeatureView(b) ? b.columns : [])];
    block(b, members);
    for (const p of b.props) visitValue(p.value);
    if (ast.isSource(b)) {
      for (const e of b.expectations) {
        const c = e.check;
        if (ast.isColumnCheck(c) && ast.isInSet(c.predicate)) visitValue(c.predicate.values);
        if (ast.isColumnCheck(c) && ast.isNotInSet(c.predicate)) visitValue(c.predicate.values);
      }
    }
  }
  return roles;
}
