import { isAbsolute, resolve } from 'node:path';
import type { PipelineModel, SourceNode } from '../../language-server/model/pipeline-model.js';
import type { DataEngine } from '../data/engine.js';
import type { PipelineData } from '../data/pipeline-data.js';
import type { Relation } from '../data/relation.js';
import type { ResolvedInput } from './step-context.js';

/**
 * The data side of one run: a single sandboxed DuckDB (opened on first use, so runs without data nodes
 * never load it) whose only allowed folders are the workspace and the pipeline's folder. Outputs live in
 * the workspace's `.mlpipe/`, so SQL steps can read and write them without widening the sandbox. The data
 * engine's modules are loaded on first use too: every `mlpipe run` creates a RunData.
 */
export class RunData {
  private engineP: Promise<DataEngine> | undefined;

  constructor(private readonly roots: string[], readonly baseDir: string) {}

  engine(): Promise<DataEngine> {
    this.engineP ??= import('../data/engine.js').then(({ DataEngine }) => DataEngine.open({
      roots: this.roots,
      threads: envInt('MLPIPE_DUCKDB_THREADS'),
      memoryLimit: process.env.MLPIPE_DUCKDB_MEMORY ?? '1200MB',
    }));
    return this.engineP;
  }

  /**
   * The data engine's view of the pipeline for one node: nodes whose results are files by now (steps,
   * training sets, materialised views) appear as sources reading those files, so feature views and
   * training sets over step outputs work with the data engine's own code.
   */
  async pipelineData(model: PipelineModel, produced: ReadonlyMap<string, string>): Promise<PipelineData> {
    const nodes = model.nodes.map((n) => {
      const path = produced.get(n.name);
      if (!path || n.kind === 'source') return n;
      const src: SourceNode = { ...n, kind: 'source', path, expectations: [], props: [] } as SourceNode;
      return src;
    });
    const { PipelineData } = await import('../data/pipeline-data.js');
    return new PipelineData(await this.engine(), { ...model, nodes }, this.baseDir);
  }

  /** A relation for one input: a source or view through PipelineData, a file through its own reader. */
  async relation(input: ResolvedInput, data: PipelineData, signal?: AbortSignal): Promise<Relation> {
    if (input.origin.type === 'exec') {
      const engine = await this.engine();
      const [{ sourceRelation }, { resolveSource }] = await Promise.all([import('../data/relation.js'), import('../data/sources.js')]);
      const path = input.path!;
      return sourceRelation(await resolveSource(engine, { path: isAbsolute(path) ? path : resolve(this.baseDir, path), baseDir: this.baseDir, name: input.name }, { signal }), input.table);
    }
    return { ...(await data.relation(input.origin.node.name, { signal })), label: input.table };
  }

  async close(): Promise<void> {
    if (!this.engineP) return;
    const e = await this.engineP.catch(() => undefined);
    e?.close();
  }
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}
