import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as ast from '../generated/ast.js';
import { editsForIntent } from './graph-edits.js';
import type { CanvasIntent, IntentResult } from './intents.js';

type Edit = IntentResult['edits'][number];

/** A parse of some text: its root and how many syntax (lexer + parser) errors it has. */
export interface ParsedText {
  root: ast.Document;
  syntaxErrors: number;
}

export type ParseText = (text: string) => ParsedText;

/**
 * Turns one canvas gesture (one or more intents, e.g. deleting a selection) into edits for one
 * WorkspaceEdit, so a single Ctrl+Z undoes the whole gesture.
 *
 * One intent gives the minimal edits of `editsForIntent`. Several are applied one after another to
 * the text, re-parsing in between (each may move what the next one touches), and the result is one
 * edit spanning only the lines that differ. Text typed in the side form is trial-parsed first: a
 * value that would break the file is refused instead of written.
 */
export function editsForIntents(doc: TextDocument, parsed: ParsedText, intents: readonly CanvasIntent[], parse: ParseText): IntentResult {
  if (intents.length === 0) return { edits: [] };
  if (intents.length === 1) {
    const result = editsForIntent(parsed.root, doc, intents[0]);
    if (result.error || intents[0].type !== 'setPropertyText') return result;
    return keepsParsing(parsed, parse(TextDocument.applyEdits(doc, result.edits)), intents[0]) ?? result;
  }
  let current = parsed;
  let currentDoc = doc;
  let name: string | undefined;
  for (const intent of intents) {
    const result = editsForIntent(current.root, currentDoc, intent);
    if (result.error) return { edits: [], error: result.error };
    name ??= result.name;
    currentDoc = TextDocument.create(doc.uri, doc.languageId, doc.version, TextDocument.applyEdits(currentDoc, result.edits));
    const next = parse(currentDoc.getText());
    if (intent.type === 'setPropertyText') {
      const refused = keepsParsing(current, next, intent);
      if (refused) return refused;
    }
    current = next;
  }
  return { edits: lineDiff(doc.getText(), currentDoc.getText()), ...(name ? { name } : {}) };
}

function keepsParsing(before: ParsedText, after: ParsedText, intent: Extract<CanvasIntent, { type: 'setPropertyText' }>): IntentResult | undefined {
  if (after.syntaxErrors <= before.syntaxErrors) return undefined;
  return { edits: [], error: `'${intent.text.trim()}' is not a valid value for ${intent.key}` };
}

/** One edit replacing only the whole lines that differ between two texts (none when they are equal). */
export function lineDiff(before: string, after: string): Edit[] {
  if (before === after) return [];
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  // Widen to whole lines: start at the beginning of the first changed line, end after the last one's newline.
  const start = prefix === 0 ? 0 : before.lastIndexOf('\n', prefix - 1) + 1;
  const changedEnd = before.length - suffix;
  const atLineStart = changedEnd === 0 || before[changedEnd - 1] === '\n';
  const nl = before.indexOf('\n', changedEnd);
  const end = atLineStart ? changedEnd : nl < 0 ? before.length : nl + 1;
  const kept = before.length - end;
  const doc = TextDocument.create('', '', 0, before);
  return [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText: after.slice(start, after.length - kept) }];
}
