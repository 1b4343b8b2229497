import { DefaultDocumentValidator, DocumentValidator, type LangiumDocument, type ValidationOptions } from 'langium';
import type { CancellationToken } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver-types';
import { Codes } from './codes.js';

/**
 * Langium reports syntax errors with chevrotain's wording and no code. Give them the stable
 * `syntax-error` code and a message a person can act on.
 */
export class MLPipeDocumentValidator extends DefaultDocumentValidator {
  override async validateDocument(document: LangiumDocument, options?: ValidationOptions, cancelToken?: CancellationToken): Promise<Diagnostic[]> {
    const diagnostics = await super.validateDocument(document, options, cancelToken);
    for (const d of diagnostics) {
      const kind = (d.data as { code?: string } | undefined)?.code;
      if (kind === DocumentValidator.ParsingError || kind === DocumentValidator.LexingError) {
        d.code = Codes.syntaxError;
        d.data = { code: Codes.syntaxError };
        d.message = friendlySyntaxMessage(typeof d.message === 'string' ? d.message : d.message.value);
      }
    }
    return diagnostics;
  }

  /** All checks run once on the root (see module.ts); skip Langium's walk over every node. */
  protected override async validateAstNodes(): Promise<void> {}
}

/** Shortens chevrotain's "Expecting one of these possible Token sequences: ..." lists. */
export function friendlySyntaxMessage(message: string): string {
  const found = /but found:? [`']([^`']*)[`']/.exec(message)?.[1];
  const expecting = /Expecting (?:token of type |: )?[`']?([^`'\s]+)[`']?/.exec(message)?.[1];
  const lexing = /unexpected character: ->(.)<-/.exec(message)?.[1];
  if (lexing !== undefined) return `unexpected character '${lexing}'`;
  if (/one of these possible Token sequences/.test(message)) return found ? `unexpected '${found}'` : 'unexpected input';
  if (found !== undefined && expecting) {
    const what = expecting === 'EOF' ? 'end of file' : expecting;
    return found === '' || found === 'EOF' ? `expected ${what} before the end of the file` : `expected ${what}, found '${found}'`;
  }
  return message;
}
