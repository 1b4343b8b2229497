import { cpus } from 'node:os';
import type { PipelineModel, TargetModel } from '../../language-server/model/pipeline-model.js';
import { isProcessKind, type ExecNode } from './graph.js';
import { LocalRunner } from './local-runner.js';
import type { StepRunner } from './runner.js';

export class TargetError extends Error {}

/**
 * The targets of one run and their slots. Everything on this machine (local targets and the nodes the
 * runtime executes itself) shares one pool of `parallel` slots (default: cores); a local target's
 * `max_parallel` limits its own steps further. A step asking for `cpus: N` takes N slots (at most all).
 * Remote kinds (ssh, slurm) get their runners in issue 6; until then a run that needs one stops before
 * it starts, unless `local` runs everything here.
 */
export class Targets {
  private readonly runners = new Map<string, StepRunner>();
  private readonly models = new Map<string, TargetModel>();
  private readonly machineSlots: number;
  private machineUsed = 0;
  private readonly used = new Map<string, number>();

  constructor(model: PipelineModel, private readonly opts: { parallel?: number; local?: boolean; pollMs?: number }) {
    for (const t of model.targets) this.models.set(t.name, t);
    this.machineSlots = Math.max(1, opts.parallel ?? cpus().length);
  }

  /** The target a node runs on, as the run reports it. */
  nameFor(e: ExecNode): string {
    return isProcessKind(e.kind) ? e.target : 'local';
  }

  check(nodes: ExecNode[]): void {
    for (const e of nodes) {
      if (!isProcessKind(e.kind) || this.opts.local) continue;
      const t = this.models.get(e.target);
      if (!t && e.target !== 'local') throw new TargetError(`step ${e.id}: no target named '${e.target}'`);
      if (t && t.kind !== 'local') {
        throw new TargetError(`step ${e.id} runs on '${t.name}', a ${t.kind} target: remote targets are not available yet (issue 6); use --local to run it on this machine`);
      }
    }
  }

  runnerFor(e: ExecNode): StepRunner {
    const name = this.opts.local || !isProcessKind(e.kind) ? 'local' : e.target;
    let r = this.runners.get(name);
    if (!r) {
      const t = this.models.get(name);
      r = new LocalRunner({
        slots: this.machineSlots,
        setup: typeof t?.options.setup === 'string' ? t.options.setup : undefined,
        pollMs: this.opts.pollMs,
      });
      this.runners.set(name, r);
    }
    return r;
  }

  private cost(e: ExecNode): number {
    const cpusWanted = e.node.kind === 'step' ? e.node.resources.cpus ?? 1 : 1;
    return Math.max(1, Math.min(this.machineSlots, cpusWanted));
  }

  private targetLimit(e: ExecNode): number {
    const t = this.models.get(this.nameFor(e));
    const m = t?.options.max_parallel;
    return typeof m === 'number' && m > 0 ? m : Infinity;
  }

  /** Takes the slots a node needs, or returns false when it must wait. */
  acquire(e: ExecNode): boolean {
    const cost = this.cost(e);
    const name = this.nameFor(e);
    if (this.machineUsed + cost > this.machineSlots) return false;
    if ((this.used.get(name) ?? 0) + 1 > this.targetLimit(e)) return false;
    this.machineUsed += cost;
    this.used.set(name, (this.used.get(name) ?? 0) + 1);
    return true;
  }

  release(e: ExecNode): void {
    this.machineUsed -= this.cost(e);
    const name = this.nameFor(e);
    this.used.set(name, (this.used.get(name) ?? 1) - 1);
  }

  dispose(): void {
    for (const r of this.runners.values()) r.dispose();
  }
}
