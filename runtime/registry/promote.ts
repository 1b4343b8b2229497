import type { GateModel } from '../../language-server/model/pipeline-model.js';
import type { GateResult } from '../exec/events.js';
import { checkGates, gateFailures } from '../evaluation/gates.js';
import { RegistryError, type AuditEntry, type ModelVersion, type Registry, type Stage } from './registry.js';

export interface PromoteRequest {
  model: string;
  /** A version number or an alias to promote from (e.g. `candidate`). */
  from: string;
  /** Alias to point at the version, e.g. `champion`. */
  alias?: string;
  stage?: Stage;
  /** The gates declared on the model in the .mlpipe file. */
  gates: readonly GateModel[];
  who: string;
  why?: string;
  /** Moving a version to Production archives the others in Production (MLflow's archive_existing_versions). */
  archiveExisting?: boolean;
}

export interface PromoteResult {
  version: ModelVersion;
  gates: GateResult[];
  changes: AuditEntry[];
}

const UNGATED: ReadonlySet<Stage> = new Set(['None', 'Archived']);

/**
 * Gated promotion: the version's recorded evaluation metrics must pass every gate the model declares,
 * otherwise nothing moves and the refusal itself goes into the audit history with the numbers.
 */
export function promote(reg: Registry, req: PromoteRequest): PromoteResult {
  if (!req.alias && !req.stage) throw new RegistryError('say what to promote to: an alias (--alias champion) or a stage (--stage Production)');
  const version = reg.resolve(req.model, req.from);
  const gated = !!req.alias || (req.stage !== undefined && !UNGATED.has(req.stage));
  const gates = gated ? checkGates(req.gates, version.metrics) : [];
  const failures = gateFailures(gates);
  if (failures.length) {
    reg.recordRefusal(req.model, version.version, req.alias, req.stage, req.who, req.why, gates);
    throw new RegistryError(`${req.model} version ${version.version} was not promoted: ${failures.join('; ')}`, 'gates');
  }
  const changes: AuditEntry[] = [];
  const state = reg.state(req.model);
  if (req.alias && state.aliases[req.alias] !== version.version) {
    changes.push(reg.setAlias(req.model, req.alias, version.version, req.who, req.why, gates));
  }
  if (req.stage && (state.stages[version.version] ?? 'None') !== req.stage) {
    if (req.stage === 'Production' && req.archiveExisting) {
      for (const [v, stage] of Object.entries(state.stages)) {
        if (stage === 'Production' && Number(v) !== version.version) {
          changes.push(reg.setStage(req.model, Number(v), 'Archived', req.who, `archived: version ${version.version} moved to Production`));
        }
      }
    }
    changes.push(reg.setStage(req.model, version.version, req.stage, req.who, req.why, gates));
  }
  return { version, gates, changes };
}
