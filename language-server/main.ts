import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createMLPipeServices } from './module.js';
import { registerApplyIntents } from './lsp/apply-intents-request.js';
import { registerDataFeatures } from './data/register-data-features.js';
import { registerCustomRequests } from './lsp/custom-requests.js';

const connection = createConnection(ProposedFeatures.all);
const { shared, MLPipe } = createMLPipeServices({ connection, ...NodeFileSystem });
const pushPredicted = registerCustomRequests(connection, shared, MLPipe);
registerApplyIntents(connection, shared, MLPipe, pushPredicted);
registerDataFeatures(connection, shared, MLPipe);
startLanguageServer(shared);
