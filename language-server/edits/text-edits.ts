import type { AstNode } from 'langium';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';

/** Line-aware text edits shared by canvas intents and quick fixes. */
type Edit = TextEdit;

/** Inserts a property line before the block's closing brace (opening `{}` if needed). */
export function insertPropertyEdit(doc: TextDocument, block: AstNode, indentUnit: string, line: string): Edit {
  const cst = block.$cstNode!;
  const indent = lineIndent(doc, block.$cstNode!.range.start.line);
  const inner = indent + indentUnit;
  const close = cst.range.end;
  const beforeClose = doc.getText({ start: { line: close.line, character: 0 }, end: { line: close.line, character: close.character - 1 } });
  const text = line.split('\n').join(`\n${inner}`);
  if (/^\s*$/.test(beforeClose) && close.line > cst.range.start.line) {
    const at = { line: close.line, character: 0 };
    return { range: { start: at, end: at }, newText: `${inner}${text}\n` };
  }
  const bracePos = { line: close.line, character: close.character - 1 };
  const trimmed = beforeClose.replace(/\s*$/, '');
  return { range: { start: { line: close.line, character: trimmed.length }, end: bracePos }, newText: `\n${inner}${text}\n${indent}` };
}

/**
 * Removes a node's text: whole lines when it has them to itself (plus one adjacent blank line for
 * blocks, so no double gap is left), else just its characters and the space before them.
 */
export function removeNodeEdit(doc: TextDocument, node: AstNode, withBlankLine = false): Edit {
  const r = node.$cstNode!.range;
  const before = doc.getText({ start: { line: r.start.line, character: 0 }, end: r.start });
  const restOfLine = doc.getText({ start: r.end, end: lineEnd(doc, r.end.line) });
  // A trailing comment belongs to what it trails: it goes with the line.
  if (/^\s*$/.test(before) && /^\s*((\/\/|#).*)?$/.test(restOfLine)) {
    let startLine = r.start.line;
    let endLine = r.end.line + 1;
    if (withBlankLine) {
      // Take one blank line with the block only where two would be left side by side, or a blank line
      // would be left just inside the enclosing braces; a blank on one side only still separates the
      // neighbours and stays.
      const blankAfter = isBlank(doc, endLine);
      const blankBefore = startLine > 0 && isBlank(doc, startLine - 1);
      const afterOpening = startLine > 0 && /\{\s*((\/\/|#).*)?$/.test(lineText(doc, startLine - 1));
      const beforeClosing = endLine < doc.lineCount && /^\s*\}/.test(lineText(doc, endLine));
      if (blankAfter && (blankBefore || afterOpening)) endLine++;
      else if (blankBefore && beforeClosing) startLine--;
    }
    return { range: { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } }, newText: '' };
  }
  const lead = /\s*$/.exec(before)![0].length;
  return { range: { start: { line: r.start.line, character: r.start.character - lead }, end: r.end }, newText: '' };
}


export function lineIndent(doc: TextDocument, line: number): string {
  return /^[ \t]*/.exec(doc.getText({ start: { line, character: 0 }, end: { line, character: 1000 } }))![0];
}

/** The position at the end of a line (before its newline). */
export function lineEnd(doc: TextDocument, line: number): TextEdit['range']['start'] {
  const text = doc.getText();
  const next = doc.offsetAt({ line: line + 1, character: 0 });
  const end = next > 0 && text[next - 1] === '\n' && line + 1 < doc.lineCount ? next - 1 : text.length;
  return doc.positionAt(Math.min(end, text.length));
}

function lineText(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function isBlank(doc: TextDocument, line: number): boolean {
  if (line >= doc.lineCount) return false;
  return /^\s*$/.test(doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }));
}
