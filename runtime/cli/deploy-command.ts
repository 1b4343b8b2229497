import { parseArgs } from 'node:util';
import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { round } from '../evaluation/gates.js';
import { scalarProp } from '../exec/props.js';
import { currentUser } from '../registry/identity.js';
import { promote } from '../registry/promote.js';
import { Registry, RegistryError } from '../registry/registry.js';
import { positiveInt } from './data-cli.js';
import { UsageError, type Io } from './output.js';
import { loadForRun } from './pipeline-cli.js';
import { serveUntilStopped } from './serve-command.js';

/**
 * `mlpipe deploy FILE DEPLOYMENT`: promotes the model's newest candidate to the deployment's alias (the
 * model's gates checked and the promotion recorded, as `models promote` does), then serves that version
 * with the deployment's port and host. `--no-serve` stops after the promotion (for CI).
 */
export async function deployCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      from: { type: 'string' }, reason: { type: 'string' }, port: { type: 'string' }, 'no-serve': { type: 'boolean', default: false },
      workspace: { type: 'string' },
    },
  });
  if (positionals.length !== 2) throw new UsageError('deploy: usage: deploy FILE DEPLOYMENT [--from ALIAS|VERSION] [--reason TEXT] [--port P] [--no-serve]');
  const loaded = await loadForRun(positionals[0], io, values.workspace);
  if (typeof loaded === 'number') return loaded;
  // No --param here: promotion gates are the ones the file declares (as for `models promote`), so a
  // command-line value can never lower the bar a model has to pass.
  const model = loaded.model;
  const name = positionals[1];
  const deploy = model.nodes.find((n) => n.kind === 'deploy' && n.name === name);
  if (!deploy || deploy.kind !== 'deploy') {
    const s = suggest(name, model.nodes.filter((n) => n.kind === 'deploy').map((n) => n.name));
    throw new UsageError(`deploy: ${positionals[0]} has no deploy block '${name}'${s.length ? ` — did you mean '${s[0]}'?` : ''}`);
  }
  if (!deploy.model) throw new UsageError(`deploy ${name} names no model`);
  const modelNode = model.nodes.find((n) => n.kind === 'model' && n.name === deploy.model);
  const alias = deploy.alias ?? 'champion';
  const reg = new Registry(loaded.workspace);
  try {
    const state = reg.state(deploy.model);
    // The version to deploy: --from, else the version the model's first alias (e.g. candidate) points to,
    // else the newest version.
    const firstAlias = modelNode?.kind === 'model' ? modelNode.aliases.find((a) => a !== alias && state.aliases[a] !== undefined) : undefined;
    const from = values.from ?? (firstAlias ? firstAlias : String(state.versions[state.versions.length - 1].version));
    const r = promote(reg, {
      model: deploy.model, from, alias, gates: modelNode?.kind === 'model' ? modelNode.gates : [], who: currentUser(),
      why: values.reason ?? `deploy ${name}`,
    });
    for (const g of r.gates) io.out(`gate ${g.gate}: ${g.metric} = ${round(g.value!)} ✓`);
    io.out(r.changes.length ? `${deploy.model}@${alias} → version ${r.version.version}` : `${deploy.model}@${alias} is already version ${r.version.version}`);
    if (values['no-serve']) return 0;
    const port = values.port === '0' ? 0 : positiveInt(values.port, 'port') ?? deploy.port ?? 8080;
    const maxBatch = scalarProp(deploy, 'max_batch', {});
    return await serveUntilStopped(io, {
      artifact: r.version.artifact, model: deploy.model, version: r.version.version, digest: r.version.digest, port,
      host: deploy.host, maxBatch: typeof maxBatch === 'number' ? maxBatch : undefined,
    });
  } catch (e) {
    if (e instanceof RegistryError) {
      io.err(`mlpipe: ${e.message}`);
      return e.code === 'gates' ? 1 : 2;
    }
    throw e;
  }
}
