import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FeatureViewNode, SourceNode } from '../../language-server/model/pipeline-model.js';
import { expandGlob } from '../store/glob.js';
import { hashValue, sha256, type FileHasher } from '../store/hashing.js';
import { ensureDir } from '../store/workspace.js';
import type { ExecGraph, ExecInput } from './graph.js';

/**
 * Digests of the data a node reads: source files by content (through the hasher's stamp memory), feature
 * views by their definition plus what they read, and upstream outputs by the digest recorded when they
 * were produced. A digest is undefined while an upstream node has not produced its output yet.
 */
export class Fingerprints {
  private readonly sources = new Map<string, Promise<string>>();

  constructor(
    private readonly graph: ExecGraph,
    private readonly baseDir: string,
    private readonly hasher: FileHasher,
    /** Digest of an upstream node's output, once known. */
    private readonly outputDigest: (node: string, output: string) => string | undefined,
  ) {}

  source(node: SourceNode): Promise<string> {
    let d = this.sources.get(node.name);
    if (!d) {
      d = this.hashSource(node);
      this.sources.set(node.name, d);
    }
    return d;
  }

  /** Digests of every source hashed so far (the ones the run reads), for the run's lineage. */
  async knownSources(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, d] of this.sources) out[name] = await d;
    return out;
  }

  /** Files of a source (absolute), for messages and for process steps' inputs. */
  sourceFiles(node: SourceNode): string[] {
    return node.path ? expandGlob(this.abs(node.path)) : [];
  }

  abs(path: string): string {
    return isAbsolute(path) ? path : resolve(this.baseDir, path);
  }

  private async hashSource(node: SourceNode): Promise<string> {
    const files = this.sourceFiles(node);
    const parts: [string, string][] = [];
    // Paths relative to the pipeline, so a workspace moved elsewhere keeps its cache.
    for (const f of files) parts.push([relative(this.baseDir, f), await this.hasher.file(f)]);
    return hashValue({ format: node.format ?? null, files: parts });
  }

  async view(view: FeatureViewNode, seen: string[] = []): Promise<string | undefined> {
    if (seen.includes(view.name)) return undefined;
    const inputs: Record<string, string> = {};
    for (const i of this.graph.viewInputs.get(view.name) ?? []) {
      const d = await this.input(i, [...seen, view.name]);
      if (d === undefined) return undefined;
      inputs[i.name] = d;
    }
    return hashValue({
      entity: view.entity, timestamp: view.timestamp ?? null, created: view.created ?? null, ttl: view.ttlMs ?? null,
      from: view.from ?? null, sql: view.sql ?? null, features: view.features.map((f) => [f.name, f.type ?? null]), inputs,
    });
  }

  async input(i: ExecInput, seen: string[] = []): Promise<string | undefined> {
    switch (i.origin.type) {
      case 'source': return this.source(i.origin.node);
      case 'view': return this.view(i.origin.node, seen);
      case 'exec': return this.outputDigest(i.origin.node, i.origin.output);
    }
  }
}

/** Digest of a code file, relative to the pipeline; 'missing' when it does not exist (the step will say so). */
export async function codeDigest(hasher: FileHasher, baseDir: string, file: string): Promise<[string, string]> {
  const abs = isAbsolute(file) ? file : resolve(baseDir, file);
  const rel = relative(baseDir, abs);
  if (!existsSync(abs)) return [rel, 'missing'];
  return [rel, (await hasher.path(abs)).digest];
}

/**
 * Files a shell command names (`python3 steps/fit.py --x 1` names steps/fit.py): words that are existing
 * files relative to the pipeline. A change to them reruns the step like a change to a script would.
 */
export function filesInCommand(command: string, baseDir: string): string[] {
  const words = command.split(/[\s;&|<>()'"=]+/).filter((w) => w && !w.startsWith('-') && !w.startsWith('$') && /[./]/.test(w));
  return [...new Set(words)].filter((w) => {
    try {
      const abs = resolve(baseDir, w);
      return existsSync(abs) && !abs.startsWith('/dev/') && relative(baseDir, abs) !== '' && !/^(\/usr|\/bin|\/sbin|\/etc|\/lib|\/proc)\//.test(abs);
    } catch {
      return false;
    }
  });
}

/**
 * A random salt per workspace, so that env values enter cache keys as salted hashes: a key or a reason
 * in the store never lets anyone test guesses of a secret without the salt.
 */
export function workspaceSalt(stateDir: string): string {
  const file = join(ensureDir(stateDir), 'salt');
  try {
    return readFileSync(file, 'utf8');
  } catch {
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch {
      // Another run created it first: read theirs.
    }
    return readFileSync(file, 'utf8');
  }
}

export const saltedHash = (salt: string, value: string): string => sha256(`${salt}\0${value}`).slice(0, 16);
