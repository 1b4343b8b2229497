import { cpus } from 'node:os';
import type { PipelineModel, Resources, TargetModel } from '../../language-server/model/pipeline-model.js';
import { isRemoteKind, remoteRunnerFor, sshOptionsOf } from '../remote/targets.js';
import { spoolRoot } from '../store/spool.js';
import { storePaths, type Workspace } from '../store/workspace.js';
import { isProcessKind, type ExecNode } from './graph.js';
import { LocalRunner } from './local-runner.js';
import type { StepRunner } from './runner.js';

export class TargetError extends Error {}

/**
 * The targets of one run and their slots. Everything on this machine (local targets and the nodes the
 * runtime executes itself) shares one pool of `parallel` slots (default: cores); a local target's
 * `max_parallel` limits its own steps further. A step asking for `cpus: N` takes N slots (at most all).
 * Steps on ssh and slurm targets run through runtime/remote (docs/remote.md); they take no local slots
 * beyond their target's own limit, and their runner connects only when a step actually starts there.
 */
export class Targets {
  private readonly runners = new Map<string, StepRunner>();
  private readonly models = new Map<string, TargetModel>();
  private readonly machineSlots: number;
  private machineUsed = 0;
  private readonly used = new Map<string, number>();

  private readonly resources = new Map<string, Resources>();

  constructor(model: PipelineModel, private readonly opts: { parallel?: number; local?: boolean; pollMs?: number; workspace?: Workspace; adopt?: string }) {
    for (const t of model.targets) this.models.set(t.name, t);
    for (const n of model.nodes) if (n.kind === 'step') this.resources.set(n.name, n.resources);
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
      if (t && isRemoteKind(t.kind)) {
        try {
          sshOptionsOf(t);
        } catch (err) {
          throw new TargetError(`step ${e.id}: ${(err as Error).message}`);
        }
      } else if (t && t.kind !== 'local') {
        throw new TargetError(`step ${e.id}: target '${t.name}' has unknown kind '${t.kind}'`);
      }
    }
  }

  runnerFor(e: ExecNode): StepRunner {
    const name = this.opts.local || !isProcessKind(e.kind) ? 'local' : e.target;
    let r = this.runners.get(name);
    if (!r) {
      const t = this.models.get(name);
      if (t && isRemoteKind(t.kind)) {
        const ws = this.opts.workspace;
        r = remoteRunnerFor(t, {
          workspaceRoot: ws?.root ?? process.cwd(), spoolRoot: ws ? spoolRoot(ws) : undefined, stateDir: ws ? storePaths(ws).state : undefined,
          adoptRun: this.opts.adopt,
          resourcesOf: (step) => this.resources.get(step) ?? {},
        });
        this.runners.set(name, r);
        return r;
      }
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
    // A step on a remote target uses that host's CPUs, not this machine's.
    if (this.isRemote(e)) return 0;
    const cpusWanted = e.node.kind === 'step' ? e.node.resources.cpus ?? 1 : 1;
    return Math.max(1, Math.min(this.machineSlots, cpusWanted));
  }

  private isRemote(e: ExecNode): boolean {
    if (this.opts.local || !isProcessKind(e.kind)) return false;
    const t = this.models.get(e.target);
    return Boolean(t && isRemoteKind(t.kind));
  }

  private targetLimit(e: ExecNode): number {
    const t = this.models.get(this.nameFor(e));
    const m = t?.options.max_parallel;
    if (typeof m === 'number' && m > 0) return m;
    // A plain SSH host runs a few steps at once; a cluster's scheduler queues whatever is submitted.
    if (this.isRemote(e)) return t?.kind === 'slurm' ? 64 : 4;
    return Infinity;
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
