/**
 * Where the cursor is, read from the raw text. Completion runs while the user is mid-word, where
 * the parse tree is least reliable; brackets, strings and comments are not.
 */
export interface OpenBracket {
  char: '{' | '[' | '(';
  offset: number;
  /** The text of the line up to the bracket, e.g. `  step train: python "desc" ` or `    outputs `. */
  header: string;
}

export interface TextContext {
  stack: OpenBracket[];
  /** Text of the current line before the cursor. */
  linePrefix: string;
  /** Start offset of the (possibly dotted) word being typed. */
  wordStart: number;
  word: string;
  /** Inside a string, text block or comment: no completion. */
  inert: boolean;
}

export function textContext(text: string, offset: number): TextContext {
  const stack: OpenBracket[] = [];
  let i = 0;
  let inert = false;
  while (i < offset) {
    const c = text[i];
    if (c === '"' && text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3);
      if (end === -1 || end + 3 > offset) { inert = true; break; }
      i = end + 3;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= offset) { inert = true; break; }
      i = j + 1;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      if (end === -1 || end >= offset) { inert = true; break; }
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1 || end + 2 > offset) { inert = true; break; }
      i = end + 2;
    } else if (c === '{' || c === '[' || c === '(') {
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      stack.push({ char: c, offset: i, header: text.slice(lineStart, i) });
      i++;
    } else if (c === '}' || c === ']' || c === ')') {
      const open = c === '}' ? '{' : c === ']' ? '[' : '(';
      // Pop to the matching bracket; an unmatched closer (half-typed text) is ignored.
      const at = findLast(stack, open);
      if (at >= 0) stack.length = at;
      i++;
    } else i++;
  }
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const linePrefix = text.slice(lineStart, offset);
  const m = /[A-Za-z_][A-Za-z0-9_.]*\.?$|\.$/.exec(linePrefix);
  const word = m ? m[0] : '';
  return { stack, linePrefix, wordStart: offset - word.length, word, inert };
}

function findLast(stack: OpenBracket[], char: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k].char === char) return k;
  return -1;
}

export interface BlockHeader {
  keyword: string;
  name: string;
  kind?: string;
}

const BLOCK_HEADER = /^\s*(pipeline|source|features|training_set|model|deploy|monitor)\s+([A-Za-z_][A-Za-z0-9_]*)/;
const KIND_HEADER = /^\s*(step|target)\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)/;

/** The block a `{` opens, when it opens one (rather than a map value). */
export function blockHeader(header: string): BlockHeader | undefined {
  const k = KIND_HEADER.exec(header);
  if (k) return { keyword: k[1], name: k[2], kind: k[3] };
  const b = BLOCK_HEADER.exec(header);
  return b ? { keyword: b[1], name: b[2] } : undefined;
}

/** The property key that opened a value bracket: `    outputs {` → outputs. */
export function propertyKeyOf(header: string): string | undefined {
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)\b/.exec(header)?.[1];
}
