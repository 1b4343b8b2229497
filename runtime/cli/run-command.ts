import { parseArgs } from 'node:util';
import type { RunEvent } from '../exec/events.js';
import { planPipeline, runPipeline, type RunOptions } from '../exec/executor.js';
import { ParamError, parseParamArgs } from '../exec/params.js';
import { SelectionError } from '../exec/selection.js';
import { TargetError } from '../exec/targets.js';
import { positiveInt } from './data-cli.js';
import { UsageError, type Io } from './output.js';
import { loadForRun } from './pipeline-cli.js';
import { humanPrinter, printPlan } from './run-printer.js';

const RUN_OPTIONS = {
  step: { type: 'string', multiple: true },
  from: { type: 'string' },
  force: { type: 'boolean', default: false },
  'json-events': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  param: { type: 'string', multiple: true },
  parallel: { type: 'string' },
  local: { type: 'boolean', default: false },
  workspace: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  parent: { type: 'string' },
  // Set by `mlpipe attach`: remote steps of this run that are still going are followed, not restarted.
  adopt: { type: 'string' },
} as const;

type Mode = 'run' | 'plan' | 'train';

/**
 * `mlpipe run|plan|train FILE`. `train` is `run` aimed at the model blocks: everything up to and including
 * evaluation and registration. Exit 0 only when every node succeeded or came from the cache.
 */
export async function runCommand(mode: Mode, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: RUN_OPTIONS });
  if (positionals.length !== 1) throw new UsageError(`${mode}: name exactly one .mlpipe file`);
  const loaded = await loadForRun(positionals[0], io, values.workspace);
  if (typeof loaded === 'number') return loaded;
  let steps = values.step;
  if (mode === 'train') {
    const models = loaded.model.nodes.filter((n) => n.kind === 'model').map((n) => n.name);
    const evaluations = loaded.model.nodes.filter((n) => n.kind === 'step' && n.stepKind === 'evaluate').map((n) => n.name);
    steps = [...(steps ?? []), ...(models.length ? models : evaluations)];
    if (!steps.length) throw new UsageError(`train: ${positionals[0]} has no model block or evaluate step to train towards`);
  }
  const ac = new AbortController();
  const opts: RunOptions = {
    file: loaded.file, model: loaded.model, workspace: loaded.workspace, steps, from: values.from, force: values.force,
    params: parseParams(values.param ?? []), parallel: positiveInt(values.parallel, 'parallel'), local: values.local,
    signal: ac.signal, command: values.adopt ? 'attach' : mode, parent: values.parent ?? process.env.MLPIPE_RUN_ID, adopt: values.adopt,
    retryBaseMs: envNumber('MLPIPE_RETRY_BASE_MS'), graceMs: envNumber('MLPIPE_KILL_GRACE_MS'),
  };
  try {
    if (mode === 'plan') {
      const nodes = await planPipeline(opts);
      if (values.json) io.out(JSON.stringify({ file: loaded.file, nodes }));
      else printPlan(io, nodes);
      return 0;
    }
    const json = values['json-events'];
    opts.onEvent = json ? (e: RunEvent) => io.out(JSON.stringify(e)) : humanPrinter(io, { logs: !values.quiet });
    // Ctrl+C, a closed terminal or a TERM from CI cancel the run: every step's process tree is ended and
    // the run is recorded as cancelled. A second Ctrl+C does not wait.
    let signals = 0;
    const onSignal = () => {
      if (++signals > 1) process.exit(130);
      if (!json) io.err('mlpipe: cancelling (Ctrl+C again to quit at once)');
      ac.abort();
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
    try {
      const r = await runPipeline(opts);
      return r.status === 'succeeded' ? 0 : 1;
    } finally {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
    }
  } catch (e) {
    if (e instanceof ParamError || e instanceof SelectionError || e instanceof TargetError) throw new UsageError(`${mode}: ${e.message}`);
    throw e;
  }
}

function parseParams(list: string[]): Record<string, string> {
  try {
    return parseParamArgs(list);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Test and CI knobs for timing (first retry delay, TERM→KILL grace), not worth flags of their own. */
function envNumber(name: string): number | undefined {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}
