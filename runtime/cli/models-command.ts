import { parseArgs } from 'node:util';
import { round } from '../evaluation/gates.js';
import { declaredGates } from '../registry/declared-gates.js';
import { currentUser } from '../registry/identity.js';
import { promote } from '../registry/promote.js';
import { Registry, RegistryError, STAGES, type Stage } from '../registry/registry.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';

const USAGE = `models list [--json]
       models show NAME [--json]
       models promote NAME VERSION|ALIAS [--alias champion] [--stage Staging|Production|Archived|None]
                      [--reason TEXT] [--pipeline FILE] [--archive-existing] [--json]
       models rollback NAME [--alias champion] [--reason TEXT] [--json]
       models history NAME [--json]`;

/** `mlpipe models ...`: the registry. Exit 1 when promotion is refused by a gate. */
export async function modelsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: {
      json: { type: 'boolean', default: false }, alias: { type: 'string' }, stage: { type: 'string' }, reason: { type: 'string' },
      pipeline: { type: 'string' }, 'archive-existing': { type: 'boolean', default: false }, workspace: { type: 'string' },
    },
  });
  const reg = new Registry(workspaceFor(values.workspace));
  const name = () => {
    if (!positionals[0]) throw new UsageError(`models ${sub}: name a model`);
    return positionals[0].replace(/@.*$/, '');
  };
  try {
    switch (sub) {
      case 'list': {
        const models = reg.models().map((m) => {
          const s = reg.state(m);
          const latest = s.versions[s.versions.length - 1];
          return { name: m, versions: s.versions.length, latest: latest.version, aliases: s.aliases, stages: s.stages, metrics: latest.metrics };
        });
        if (values.json) io.out(JSON.stringify({ models }));
        else if (!models.length) io.out('no models registered yet (`mlpipe train FILE` registers them)');
        else for (const m of models) io.out(`${m.name}  ${m.versions} version${m.versions > 1 ? 's' : ''}, latest ${m.latest}  ${Object.entries(m.aliases).map(([a, v]) => `@${a}=${v}`).join(' ')}`);
        return 0;
      }
      case 'show': {
        const s = reg.state(name());
        if (values.json) {
          io.out(JSON.stringify(s));
          return 0;
        }
        io.out(`${s.name}: ${s.versions.length} versions; aliases ${Object.entries(s.aliases).map(([a, v]) => `@${a}=${v}`).join(' ') || 'none'}`);
        for (const v of s.versions) {
          const aliases = Object.entries(s.aliases).filter(([, n]) => n === v.version).map(([a]) => `@${a}`);
          io.out(`  ${String(v.version).padStart(3)}  ${v.digest.slice(0, 12)}  ${(s.stages[v.version] ?? 'None').padEnd(10)} ${aliases.join(' ').padEnd(20)} ` +
            `${Object.entries(v.metrics).map(([k, x]) => `${k} ${round(x)}`).join(', ')}  run ${v.run ?? '—'}`);
          io.out(`       inputs ${v.signature.inputs.map((i) => `${i.name}:${i.type}[${i.shape.join(',')}]`).join(' ')} → ${v.signature.outputs.map((o) => `${o.name}:${o.type}`).join(' ')}`);
        }
        return 0;
      }
      case 'promote': {
        const model = name();
        const from = positionals[1] ?? (positionals[0].includes('@') ? positionals[0].split('@')[1] : undefined);
        if (!from) throw new UsageError('models promote: name the version or alias to promote, e.g. `models promote churn_model candidate --alias champion`');
        const stage = values.stage ? stageOf(values.stage) : undefined;
        const alias = values.alias ?? (stage ? undefined : 'champion');
        const version = reg.resolve(model, from);
        const { gates, file } = await declaredGates(reg.ws, version, values.pipeline);
        const r = promote(reg, { model, from, alias, stage, gates, who: currentUser(), why: values.reason, archiveExisting: values['archive-existing'] });
        if (values.json) io.out(JSON.stringify({ model, version: r.version.version, gates: r.gates, changes: r.changes, pipeline: file }));
        else {
          for (const g of r.gates) io.out(`gate ${g.gate}: ${g.metric} = ${round(g.value!)} ✓`);
          io.out(r.changes.length ? r.changes.map((c) => `${model}: ${c.alias ? `@${c.alias}` : c.stage} → version ${c.version}${c.previous !== undefined && c.previous !== null ? ` (was ${c.previous})` : ''}`).join('\n') : `${model}: nothing to change (version ${r.version.version} already there)`);
        }
        return 0;
      }
      case 'rollback': {
        const model = name();
        const e = reg.rollback(model, values.alias ?? 'champion', currentUser(), values.reason);
        if (values.json) io.out(JSON.stringify(e));
        else io.out(`${model}@${e.alias} → version ${e.version} (was ${e.previous})`);
        return 0;
      }
      case 'history': {
        const h = reg.history(name());
        if (values.json) io.out(JSON.stringify({ model: name(), history: h }));
        else for (const e of h) io.out(`${new Date(e.ts).toISOString()}  ${e.action.padEnd(15)} v${e.version}${e.alias ? ` @${e.alias}` : ''}${e.stage ? ` ${e.stage}` : ''}  by ${e.who}${e.why ? `: ${e.why}` : ''}`);
        return 0;
      }
      default:
        throw new UsageError(`usage: mlpipe ${USAGE}`);
    }
  } catch (e) {
    if (e instanceof RegistryError) {
      io.err(`mlpipe: ${e.message}`);
      return e.code === 'gates' ? 1 : 2;
    }
    throw e;
  }
}

function stageOf(s: string): Stage {
  const found = STAGES.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!found) throw new UsageError(`unknown stage '${s}' (stages: ${STAGES.join(', ')})`);
  return found;
}
