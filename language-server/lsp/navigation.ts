import type { LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import type {
  DefinitionParams, DocumentHighlight, DocumentHighlightParams, Location, LocationLink, PrepareRenameParams, Range, ReferenceParams,
  RenameParams, WorkspaceEdit,
} from 'vscode-languageserver';
import { DocumentHighlightKind, ResponseError } from 'vscode-languageserver';
import * as ast from '../generated/ast.js';
import { rangeOf } from '../analysis/blocks.js';
import { occurrences, symbolAt } from './locate.js';

/** Go to definition: from any reference segment to the name it declares. */
export class MLPipeDefinitionProvider {
  constructor(_services: LangiumServices) {}

  getDefinition(document: LangiumDocument, params: DefinitionParams): LocationLink[] | undefined {
    const at = symbolAt(document, params.position);
    const d = at.declaration;
    if (!d || d.builtin || !at.range) return undefined;
    const targetRange = d.node.$cstNode ? rangeOf(ast.isMapEntry(d.node) ? d.node : d.node) : d.nameRange;
    return [{ originSelectionRange: at.range, targetUri: document.uri.toString(), targetRange, targetSelectionRange: d.nameRange }];
  }
}

/** Find references: the declaration and every reference to it. */
export class MLPipeReferencesProvider {
  constructor(_services: LangiumServices) {}

  findReferences(document: LangiumDocument, params: ReferenceParams): Location[] {
    const { declaration, symbols } = symbolAt(document, params.position);
    if (!declaration) return [];
    return occurrences(symbols, declaration, params.context.includeDeclaration).map((range) => ({ uri: document.uri.toString(), range }));
  }
}

export class MLPipeDocumentHighlightProvider {
  constructor(_services: LangiumServices) {}

  getDocumentHighlight(document: LangiumDocument, params: DocumentHighlightParams): DocumentHighlight[] | undefined {
    const { declaration, symbols } = symbolAt(document, params.position);
    if (!declaration) return undefined;
    return occurrences(symbols, declaration, true).map((range) => ({
      range, kind: range === declaration.nameRange ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Rename a declaration and every reference to it (qualified references change only their own part). */
export class MLPipeRenameProvider {
  constructor(_services: LangiumServices) {}

  prepareRename(document: LangiumDocument, params: PrepareRenameParams): Range | undefined {
    const at = symbolAt(document, params.position);
    if (!at.declaration || at.declaration.builtin || !at.range) return undefined;
    return at.range;
  }

  rename(document: LangiumDocument, params: RenameParams): WorkspaceEdit | undefined {
    const { declaration, symbols } = symbolAt(document, params.position);
    if (!declaration || declaration.builtin) return undefined;
    const newName = params.newName.trim();
    if (!NAME.test(newName)) throw new ResponseError(0, `'${newName}' is not a valid name: use letters, digits and _ , starting with a letter or _`);
    const scope = declaration.kind === 'target' ? symbols.targets : declaration.parent ? symbols.children : symbols.members;
    const clash = scope.get(declaration.parent ? `${declaration.parent.name}.${newName}` : newName);
    if (clash && clash !== declaration) throw new ResponseError(0, `'${newName}' is already declared on line ${clash.nameRange.start.line + 1}`);
    const edits = occurrences(symbols, declaration, true).map((range) => ({ range, newText: newName }));
    return { changes: { [document.uri.toString()]: edits } };
  }
}
