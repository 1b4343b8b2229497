import {
  inject, type DeepPartial, type Module,
} from 'langium';
import {
  createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices, type LangiumSharedServices,
  type PartialLangiumServices,
} from 'langium/lsp';
import { MLPipeGeneratedModule, MLPipeGeneratedSharedModule } from './generated/module.js';
import { MLPipeFormatter } from './lsp/formatter.js';
import { MLPipeValidator } from './validation/mlpipe-validator.js';
import { MLPipeDocumentValidator } from './validation/syntax-errors.js';

export interface MLPipeAddedServices {
  validation: {
    MLPipeValidator: MLPipeValidator;
  };
}

export type MLPipeServices = LangiumServices & MLPipeAddedServices;

export const MLPipeModule: Module<MLPipeServices, PartialLangiumServices & DeepPartial<MLPipeAddedServices>> = {
  lsp: {
    Formatter: (services) => new MLPipeFormatter(services),
  },
  validation: {
    MLPipeValidator: () => new MLPipeValidator(),
    DocumentValidator: (services) => new MLPipeDocumentValidator(services),
  },
};

/**
 * One factory for every host: the language server (with a connection), the CLI and tests (without).
 */
export function createMLPipeServices(context: DefaultSharedModuleContext): { shared: LangiumSharedServices; MLPipe: MLPipeServices } {
  const shared = inject(createDefaultSharedModule(context), MLPipeGeneratedSharedModule);
  const MLPipe = inject(createDefaultModule({ shared }), MLPipeGeneratedModule, MLPipeModule);
  shared.ServiceRegistry.register(MLPipe);
  const validator = MLPipe.validation.MLPipeValidator;
  MLPipe.validation.ValidationRegistry.register(validator.checks(), validator);
  if (!context.connection) {
    // Without a client nobody sends configuration; mark it loaded so builds do not wait for it.
    shared.workspace.ConfigurationProvider.initialized({});
  }
  return { shared, MLPipe };
}
