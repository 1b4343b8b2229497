import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { suggest } from '../../language-server/analysis/did-you-mean.js';
import { writeFileAtomic } from '../store/atomic.js';
import { sha256 } from '../store/hashing.js';
import { appendJsonLine, readJsonl } from '../store/jsonl.js';
import { ensureDir, storePaths, type Workspace } from '../store/workspace.js';
import type { GateResult } from '../exec/events.js';
import type { ModelSignature } from '../onnx/signature.js';

/** MLflow's classic stages, for teams that use them; aliases are the modern way. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export interface ModelVersion {
  model: string;
  version: number;
  /** sha256 of the ONNX file. */
  digest: string;
  /** The registry's own copy (content-addressed), so cleaning the step cache never breaks a version. */
  artifact: string;
  bytes: number;
  signature: ModelSignature;
  /** Lineage: the run and step that produced it, the pipeline file (relative to the workspace). */
  run?: string;
  step?: string;
  pipeline?: string;
  /** Evaluation metrics recorded with the version; promotion gates are checked against them. */
  metrics: Record<string, number>;
  created: number;
  createdBy: string;
}

export type AuditAction = 'register' | 'alias' | 'remove-alias' | 'stage' | 'rollback' | 'promote-refused';

/** One line of a model's audit history: every change, who made it, when and why. */
export interface AuditEntry {
  ts: number;
  model: string;
  action: AuditAction;
  version: number;
  alias?: string;
  stage?: Stage;
  /** The version the alias pointed to before, or the stage the version had before. */
  previous?: number | Stage | null;
  who: string;
  why?: string;
  gates?: GateResult[];
  run?: string;
}

export interface ModelState {
  name: string;
  versions: ModelVersion[];
  /** alias → version. */
  aliases: Record<string, number>;
  /** version → stage (versions not listed are in `None`). */
  stages: Record<number, Stage>;
}

export class RegistryError extends Error {
  constructor(message: string, readonly code: 'not-found' | 'invalid' | 'gates' = 'invalid') {
    super(message);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The model registry, in `.mlpipe/registry/`: per model a folder of version files (`versions/N.json`,
 * created with O_EXCL so two runs registering at once get different numbers) and an append-only
 * `audit.jsonl`. Aliases and stages are not stored as mutable state: they are the fold of the audit
 * history, so the history can never disagree with the state, and rollback is a new entry, not an erasure.
 */
export class Registry {
  readonly root: string;

  constructor(readonly ws: Workspace) {
    this.root = storePaths(ws).registry;
  }

  private dir(model: string): string {
    if (!NAME.test(model)) throw new RegistryError(`'${model}' is not a valid model name`);
    return join(this.root, 'models', model);
  }

  models(): string[] {
    try {
      return readdirSync(join(this.root, 'models')).filter((m) => NAME.test(m)).sort();
    } catch {
      return [];
    }
  }

  versions(model: string): ModelVersion[] {
    const dir = join(this.dir(model), 'versions');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
    } catch {
      return [];
    }
    const out: ModelVersion[] = [];
    for (const f of files) {
      try {
        out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as ModelVersion);
      } catch {
        // A version file is written completely before it gets its name; an unreadable one is skipped.
      }
    }
    return out.sort((a, b) => a.version - b.version);
  }

  history(model: string): AuditEntry[] {
    return readJsonl<AuditEntry>(join(this.dir(model), 'audit.jsonl')).values;
  }

  state(model: string): ModelState {
    const versions = this.versions(model);
    if (!versions.length) throw new RegistryError(`no model named '${model}' in the registry${this.suggestion(model)}`, 'not-found');
    const aliasStacks = new Map<string, number[]>();
    const stages: Record<number, Stage> = {};
    for (const e of this.history(model)) {
      if (e.action === 'alias' && e.alias) {
        const s = aliasStacks.get(e.alias) ?? [];
        s.push(e.version);
        aliasStacks.set(e.alias, s);
      } else if (e.action === 'rollback' && e.alias) {
        aliasStacks.get(e.alias)?.pop();
      } else if (e.action === 'remove-alias' && e.alias) {
        aliasStacks.set(e.alias, []);
      } else if (e.action === 'stage' && e.stage) {
        stages[e.version] = e.stage;
      }
    }
    const aliases: Record<string, number> = {};
    for (const [alias, s] of aliasStacks) if (s.length) aliases[alias] = s[s.length - 1];
    return { name: model, versions, aliases, stages };
  }

  private suggestion(model: string): string {
    const names = this.models();
    if (!names.length) return ' (it is empty: `mlpipe train` registers models)';
    const s = suggest(model, names);
    return s.length ? ` — did you mean '${s[0]}'?` : ` (models: ${names.join(', ')})`;
  }

  /** `3`, `v3`, `champion` or `@champion` → the version. */
  resolve(model: string, ref: string): ModelVersion {
    const s = this.state(model);
    const m = /^v?(\d+)$/.exec(ref);
    const version = m ? Number(m[1]) : s.aliases[ref.replace(/^@/, '')];
    const found = s.versions.find((v) => v.version === version);
    if (!found) {
      const known = Object.keys(s.aliases);
      throw new RegistryError(m
        ? `${model} has no version ${ref} (versions 1–${s.versions[s.versions.length - 1].version})`
        : `${model} has no alias '${ref}'${known.length ? ` (aliases: ${known.join(', ')})` : ' (no aliases yet)'}`, 'not-found');
    }
    return found;
  }

  /**
   * Adds a version for an ONNX file, or returns the existing one when a version with the same digest
   * exists (re-registering the same model is idempotent).
   */
  register(input: {
    model: string; file: string; signature: ModelSignature; metrics: Record<string, number>; who: string;
    run?: string; step?: string; pipeline?: string; why?: string;
  }): { version: ModelVersion; created: boolean } {
    const dir = this.dir(input.model);
    const bytes = readFileSync(input.file);
    const digest = sha256(bytes);
    const existing = this.versions(input.model).find((v) => v.digest === digest);
    if (existing) return { version: existing, created: false };
    const artifact = join(ensureDir(join(this.root, 'artifacts')), `${digest}.onnx`);
    if (!existsSync(artifact)) storeArtifact(input.file, artifact);
    ensureDir(join(dir, 'versions'));
    for (let n = this.versions(input.model).length + 1; ; n++) {
      const version: ModelVersion = {
        model: input.model, version: n, digest, artifact, bytes: bytes.length, signature: input.signature, run: input.run,
        step: input.step, pipeline: input.pipeline, metrics: input.metrics, created: Date.now(), createdBy: input.who,
      };
      let fd: number;
      try {
        // O_EXCL: the number is ours only if nobody created it first. Readers skip the file for the
        // instant between its creation and the single write that fills it.
        fd = openSync(join(dir, 'versions', `${n}.json`), 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      try {
        writeSync(fd, JSON.stringify(version, null, 2));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.audit({ ts: version.created, model: input.model, action: 'register', version: n, who: input.who, why: input.why, run: input.run });
      return { version, created: true };
    }
  }

  setAlias(model: string, alias: string, version: number, who: string, why?: string, gates?: GateResult[], run?: string): AuditEntry {
    if (!NAME.test(alias)) throw new RegistryError(`'${alias}' is not a valid alias`);
    this.resolve(model, String(version));
    const previous = this.state(model).aliases[alias] ?? null;
    const e: AuditEntry = { ts: Date.now(), model, action: 'alias', version, alias, previous, who, why, gates, run };
    this.audit(e);
    return e;
  }

  setStage(model: string, version: number, stage: Stage, who: string, why?: string, gates?: GateResult[]): AuditEntry {
    if (!STAGES.includes(stage)) throw new RegistryError(`unknown stage '${stage}' (stages: ${STAGES.join(', ')})`);
    this.resolve(model, String(version));
    const previous = this.state(model).stages[version] ?? 'None';
    const e: AuditEntry = { ts: Date.now(), model, action: 'stage', version, stage, previous, who, why, gates };
    this.audit(e);
    return e;
  }

  /** Moves an alias back to the version it pointed to before its latest move. */
  rollback(model: string, alias: string, who: string, why?: string): AuditEntry {
    const stack: number[] = [];
    for (const e of this.history(model)) {
      if (e.alias !== alias) continue;
      if (e.action === 'alias') stack.push(e.version);
      else if (e.action === 'rollback') stack.pop();
      else if (e.action === 'remove-alias') stack.length = 0;
    }
    if (stack.length < 2) {
      throw new RegistryError(stack.length ? `${model}@${alias} has no earlier version to roll back to (it has only ever pointed to version ${stack[0]})` : `${model} has no alias '${alias}'`);
    }
    const e: AuditEntry = { ts: Date.now(), model, action: 'rollback', version: stack[stack.length - 2], alias, previous: stack[stack.length - 1], who, why };
    this.audit(e);
    return e;
  }

  recordRefusal(model: string, version: number, alias: string | undefined, stage: Stage | undefined, who: string, why: string | undefined, gates: GateResult[]): void {
    this.audit({ ts: Date.now(), model, action: 'promote-refused', version, alias, stage, who, why, gates });
  }

  private audit(e: AuditEntry): void {
    appendJsonLine(join(this.dir(e.model), 'audit.jsonl'), e);
  }

  /** Writes a version's file again (only `metrics` may change, when an evaluation runs later). */
  updateMetrics(model: string, version: number, metrics: Record<string, number>): void {
    const v = this.resolve(model, String(version));
    writeFileAtomic(join(this.dir(model), 'versions', `${version}.json`), JSON.stringify({ ...v, metrics }, null, 2), true);
  }
}

/** A hard link when the file system allows it (no copy of a big model), else a copy. */
function storeArtifact(from: string, to: string): void {
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    linkSync(from, tmp);
  } catch {
    copyFileSync(from, tmp);
  }
  renameSync(tmp, to);
}
