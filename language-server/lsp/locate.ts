import type { LangiumDocument } from 'langium';
import type { Position, Range } from 'vscode-languageserver-types';
import { analyzeDocument } from '../analysis/analysis.js';
import type { Declaration, Reference, RefSegment, SymbolTable } from '../analysis/symbols.js';

export function contains(range: Range, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

export interface SymbolAt {
  symbols: SymbolTable;
  /** The declaration named or referenced at the position. */
  declaration?: Declaration;
  /** Set when the position is on a reference rather than on a declaration's name. */
  reference?: Reference;
  segment?: RefSegment;
  /** The range of the name under the cursor. */
  range?: Range;
}

/** What the name at a position declares or refers to. */
export function symbolAt(document: LangiumDocument, pos: Position): SymbolAt {
  const { symbols } = analyzeDocument(document);
  for (const r of symbols.references) {
    for (const s of r.segments) {
      if (contains(s.range, pos)) return { symbols, declaration: s.target, reference: r, segment: s, range: s.range };
    }
  }
  for (const d of symbols.declarations()) {
    if (!d.builtin && contains(d.nameRange, pos)) return { symbols, declaration: d, range: d.nameRange };
  }
  return { symbols };
}

/** Every range naming a declaration: its own name and each reference segment to it. */
export function occurrences(symbols: SymbolTable, decl: Declaration, includeDeclaration: boolean): Range[] {
  const ranges: Range[] = includeDeclaration && !decl.builtin ? [decl.nameRange] : [];
  for (const r of symbols.references) for (const s of r.segments) if (s.target === decl) ranges.push(s.range);
  return ranges;
}
