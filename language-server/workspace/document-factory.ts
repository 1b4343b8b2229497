import { DefaultLangiumDocumentFactory, type AstNode, type ParseResult, type URI } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';

/**
 * Langium's document factory, which reuses a parse the server already made of the exact text a
 * document changes to: a canvas gesture's predicted model (lsp/custom-requests.ts) parses the text
 * its edits give, and the document's own change brings that same text a moment later. Parsing it
 * again would cost as much once more, while the canvas is redrawing. One parse kept per document,
 * used once; any other text is parsed as usual.
 */
export class MLPipeDocumentFactory extends DefaultLangiumDocumentFactory {
  private readonly parsed = new Map<string, { text: string; result: ParseResult<AstNode> }>();

  /** `result` is the parse of `text`, which the document `uri` is expected to change to. */
  remember(uri: string, text: string, result: ParseResult<AstNode>): void {
    this.parsed.set(uri, { text, result });
  }

  protected override async parseAsync<T extends AstNode>(uri: URI, text: string, cancellationToken: CancellationToken): Promise<ParseResult<T>> {
    const key = uri.toString();
    const kept = this.parsed.get(key);
    if (kept) {
      this.parsed.delete(key);
      if (kept.text === text) return kept.result as ParseResult<T>;
    }
    return super.parseAsync<T>(uri, text, cancellationToken);
  }
}
