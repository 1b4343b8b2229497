import {
  inject, type DeepPartial, type Module,
} from 'langium';
import {
  createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices,
  type PartialLangiumServices,
} from 'langium/lsp';
import type { Document } from './generated/ast.js';
import { MLPipeGeneratedModule, MLPipeGeneratedSharedModule } from './generated/module.js';
import { DataCatalogHolder } from './data/data-catalog.js';
import { MLPipeCodeActionProvider } from './lsp/code-actions.js';
import { MLPipeCompletionProvider } from './lsp/completion/completion-provider.js';
import { MLPipeDocumentSymbolProvider } from './lsp/document-symbols.js';
import { MLPipeFormatter } from './lsp/formatter.js';
import { MLPipeHoverProvider } from './lsp/hover.js';
import {
  MLPipeDefinitionProvider, MLPipeDocumentHighlightProvider, MLPipeReferencesProvider, MLPipeRenameProvider,
} from './lsp/navigation.js';
import { MLPipeSemanticTokenProvider } from './lsp/semantic-tokens.js';
import { NoLinker, NoReferenceDescriptions, NoScopeComputation } from './parser/no-langium-scopes.js';
import { createMLPipeParser } from './parser/mlpipe-parser.js';
import { MLPipeTokenBuilder } from './parser/soft-keywords.js';
import { MLPipeLexer } from './parser/token-leaf.js';
import { MLPipeValueConverter } from './parser/value-converter.js';
import { MLPipeValidator } from './validation/mlpipe-validator.js';
import { MLPipeDocumentValidator } from './validation/syntax-errors.js';
import { MLPipeDocumentBuilder } from './workspace/document-builder.js';
import { MLPipeDocumentFactory } from './workspace/document-factory.js';

export interface MLPipeAddedServices {
  validation: {
    MLPipeValidator: MLPipeValidator;
  };
  data: {
    /** Real columns and profiles; empty unless the language server plugs in the DuckDB-backed catalog. */
    Catalog: DataCatalogHolder;
  };
}

export type MLPipeServices = LangiumServices & MLPipeAddedServices;

export const MLPipeModule: Module<MLPipeServices, PartialLangiumServices & DeepPartial<MLPipeAddedServices>> = {
  parser: {
    TokenBuilder: () => new MLPipeTokenBuilder(),
    Lexer: (services) => new MLPipeLexer(services),
    LangiumParser: (services) => createMLPipeParser(services),
    ValueConverter: () => new MLPipeValueConverter(),
  },
  workspace: {
    ReferenceDescriptionProvider: (services) => new NoReferenceDescriptions(services),
  },
  references: {
    ScopeComputation: (services) => new NoScopeComputation(services),
    Linker: (services) => new NoLinker(services),
  },
  lsp: {
    Formatter: (services) => new MLPipeFormatter(services),
    CompletionProvider: (services) => new MLPipeCompletionProvider(services),
    HoverProvider: (services) => new MLPipeHoverProvider(services),
    DefinitionProvider: (services) => new MLPipeDefinitionProvider(services),
    ReferencesProvider: (services) => new MLPipeReferencesProvider(services),
    DocumentHighlightProvider: (services) => new MLPipeDocumentHighlightProvider(services),
    RenameProvider: (services) => new MLPipeRenameProvider(services),
    DocumentSymbolProvider: (services) => new MLPipeDocumentSymbolProvider(services),
    SemanticTokenProvider: (services) => new MLPipeSemanticTokenProvider(services),
    CodeActionProvider: (services) => new MLPipeCodeActionProvider(services),
  },
  data: {
    Catalog: () => new DataCatalogHolder(),
  },
  validation: {
    MLPipeValidator: () => new MLPipeValidator(),
    DocumentValidator: (services) => new MLPipeDocumentValidator(services),
  },
};

export const MLPipeSharedModule: Module<LangiumSharedServices, DeepPartial<LangiumSharedServices>> = {
  workspace: {
    DocumentBuilder: (services) => new MLPipeDocumentBuilder(services),
    LangiumDocumentFactory: (services) => new MLPipeDocumentFactory(services),
  },
};

/**
 * One factory for every host: the language server (with a connection), the CLI and tests (without).
 */
export function createMLPipeServices(context: DefaultSharedModuleContext): { shared: LangiumSharedServices; MLPipe: MLPipeServices } {
  const shared = inject(createDefaultSharedModule(context), MLPipeGeneratedSharedModule, MLPipeSharedModule);
  const MLPipe = inject(createDefaultModule({ shared }), MLPipeGeneratedModule, MLPipeModule);
  shared.ServiceRegistry.register(MLPipe);
  const validator = MLPipe.validation.MLPipeValidator;
  // One pass over the whole document (symbols are shared by all checks), not a check per AST node.
  MLPipe.validation.ValidationRegistry.registerBeforeDocument((root, accept) => validator.checkDocument(root as Document, accept));
  if (!context.connection) {
    // Without a client nobody sends configuration; mark it loaded so builds do not wait for it.
    shared.workspace.ConfigurationProvider.initialized({});
  }
  return { shared, MLPipe };
}
