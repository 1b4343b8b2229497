import { DefaultDocumentBuilder, Disposable, DocumentState, type LangiumDocument } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';

/**
 * Langium's document builder, plus `onParsedNow`: listeners called as soon as a document is parsed,
 * before the builder goes on. Langium lets queued messages run between build steps once 10 ms have
 * passed (`interruptAndCheck` before every step and every phase listener), so a listener of a later
 * phase may wait for whatever VS Code asked meanwhile (symbols, folding, semantic tokens of 200 blocks).
 * The canvas's model push needs nothing past the parse (MLPipe has no Langium linking or scopes: see
 * parser/no-langium-scopes.ts), so it goes from here.
 */
export class MLPipeDocumentBuilder extends DefaultDocumentBuilder {
  private readonly parsedNow: ((document: LangiumDocument) => void)[] = [];

  onParsedNow(listener: (document: LangiumDocument) => void): Disposable {
    this.parsedNow.push(listener);
    return Disposable.create(() => {
      const i = this.parsedNow.indexOf(listener);
      if (i >= 0) this.parsedNow.splice(i, 1);
    });
  }

  protected override notifyDocumentPhase(document: LangiumDocument, state: DocumentState, cancelToken: CancellationToken): Promise<void> {
    // Synchronously, before the first `await` in Langium's own notification: no message can run in between.
    if (state === DocumentState.Parsed) for (const listener of [...this.parsedNow]) listener(document);
    return super.notifyDocumentPhase(document, state, cancelToken);
  }
}
