import { resolve } from 'node:path';
import type { Scalar } from '../../language-server/model/pipeline-model.js';
import type { KeyComponents } from '../store/cache.js';
import { hashValue, type FileHasher } from '../store/hashing.js';
import type { RerunReason } from './events.js';
import { codeDigest, filesInCommand, saltedHash, type Fingerprints } from './fingerprints.js';
import type { ExecNode } from './graph.js';
import { localImports } from './local-imports.js';
import { listProp, mapProp, scalarProp, stringProp } from './props.js';

/**
 * Bumped when what goes into a key changes meaning, so old cache entries stop matching instead of being
 * reused wrongly.
 */
export const KEY_VERSION = 1;

export interface KeyInputs {
  baseDir: string;
  params: Record<string, Scalar>;
  hasher: FileHasher;
  fingerprints: Fingerprints;
  salt: string;
}

/**
 * The fields of a node's definition that decide its result. Where a step runs (target), how long it may
 * take and how often it is retried do not change what it computes, so they stay out: a step moved to
 * another target keeps its cache.
 */
export function definitionOf(e: ExecNode, params: Record<string, Scalar>): Record<string, unknown> {
  const n = e.node;
  const outputs = e.outputs.map((o) => [o.name, o.file]);
  switch (n.kind) {
    case 'step': {
      const common = { kind: e.kind, outputs };
      switch (e.kind) {
        case 'sql': return { ...common, sql: n.sql ?? '' };
        case 'python': return { ...common, script: n.script ?? '', args: listProp(n, 'args', params), python: stringProp(n, 'python', params) ?? 'python3' };
        case 'node': return { ...common, script: n.script ?? '', args: listProp(n, 'args', params) };
        case 'shell': return { ...common, command: n.command ?? '' };
        case 'notebook': return { ...common, notebook: n.notebook ?? '', kernel: stringProp(n, 'kernel', params) ?? 'python3' };
        case 'evaluate': return {
          ...common, label: n.label ?? '', metrics: n.metrics ?? [], threshold: scalarProp(n, 'threshold', params) ?? 0.5,
          gates: n.gates.map((g) => [g.metric, g.op, g.value]),
        };
        default: return common;
      }
    }
    case 'training_set': return {
      kind: e.kind, labels: n.labels ?? null, labelTime: n.labelTime ?? null, entity: n.entity, label: n.label ?? null, features: n.features,
    };
    case 'features': return {
      kind: e.kind, entity: n.entity, timestamp: n.timestamp ?? null, created: n.created ?? null, ttl: n.ttlMs ?? null, from: n.from ?? null,
      sql: n.sql ?? null, features: n.features.map((f) => [f.name, f.type ?? null]),
    };
    case 'model': return {
      kind: e.kind, name: n.name, gates: n.gates.map((g) => [g.metric, g.op, g.value]), aliases: n.aliases,
    };
  }
}

/** The code files a node names (for a shell command: files it names that are not its declared data). */
export function codeFilesOf(e: ExecNode, baseDir: string, dataFiles: ReadonlySet<string> = new Set()): string[] {
  const n = e.node;
  if (n.kind !== 'step') return [];
  if (e.kind === 'python' || e.kind === 'node') return n.script ? [n.script] : [];
  if (e.kind === 'notebook') return n.notebook ? [n.notebook] : [];
  if (e.kind === 'shell') return filesInCommand(n.command ?? '', baseDir).filter((f) => !dataFiles.has(resolve(baseDir, f)));
  return [];
}

/** Everything the key is made of, or undefined while an input's digest is not known yet. */
export async function componentsOf(e: ExecNode, k: KeyInputs): Promise<KeyComponents | undefined> {
  const inputs: Record<string, string> = {};
  for (const i of e.inputs) {
    const d = await k.fingerprints.input(i);
    if (d === undefined) return undefined;
    inputs[`${i.role === 'input' ? '' : `${i.role}:`}${i.name}`] = d;
  }
  const definition: Record<string, string> = {};
  for (const [field, value] of Object.entries(definitionOf(e, k.params))) definition[field] = hashValue(value).slice(0, 16);
  const code: Record<string, string> = {};
  const dataFiles = new Set(e.inputs.flatMap((i) => (i.origin.type === 'source' ? k.fingerprints.sourceFiles(i.origin.node) : [])));
  const named = codeFilesOf(e, k.baseDir, dataFiles).map((f) => resolve(k.baseDir, f));
  // The local modules they import count as the step's code too, except what it declares as data.
  const imported = localImports(named, k.baseDir).filter((f) => !dataFiles.has(f));
  for (const f of [...named, ...imported]) {
    const [rel, digest] = await codeDigest(k.hasher, k.baseDir, f);
    code[rel] = digest;
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(e.node.kind === 'step' ? mapProp(e.node, 'env', k.params) : {})) env[name] = saltedHash(k.salt, value);
  const params = e.node.kind === 'step' ? { ...e.node.params } : {};
  return { definition, params, code, inputs, env };
}

export function keyOf(components: KeyComponents): string {
  return hashValue({ v: KEY_VERSION, ...components });
}

/** What changed between the last successful execution of a node and now. */
export function diffReasons(before: KeyComponents | undefined, after: KeyComponents): RerunReason[] {
  if (!before) return [{ kind: 'new' }];
  const reasons: RerunReason[] = [];
  const changedKeys = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
  const fields = changedKeys(before.definition, after.definition);
  if (fields.length) reasons.push({ kind: 'definition', fields });
  for (const name of changedKeys(before.params, after.params)) {
    const r: RerunReason = { kind: 'param', name };
    if (before.params[name] !== undefined) r.before = before.params[name];
    if (after.params[name] !== undefined) r.after = after.params[name];
    reasons.push(r);
  }
  for (const file of changedKeys(before.code, after.code)) reasons.push({ kind: 'code', file });
  for (const input of changedKeys(before.inputs, after.inputs)) reasons.push({ kind: 'input', input: input.replace(/^[a-z]+:/, '') });
  for (const name of changedKeys(before.env, after.env)) reasons.push({ kind: 'env', name });
  return reasons;
}
