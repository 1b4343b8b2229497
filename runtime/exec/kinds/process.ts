import { execFileSync } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sdkDir } from '../../sdk/locate.js';
import { listProp, mapProp, stringProp } from '../props.js';
import type { LaunchSpec, SpoolFiles } from '../runner.js';
import { StepFailure, type StepContext } from '../step-context.js';

/** `train_rows.rows` → `TRAIN_ROWS_ROWS`. */
export const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** Variables a runtime in a step's environment would otherwise pass on to a nested run's steps. */
const INHERITED_STEP_VARS = /^MLPIPE_(INPUT|OUTPUT|PARAM)_|^MLPIPE_(INPUTS|OUTPUTS|PARAMS|OUTPUT_DIR|SINK|STEP|ATTEMPT|STATUS_FILE|STEP_TOKEN)$/;

/**
 * The variables every process step gets over the run's inherited environment: its params, the paths of
 * its inputs and outputs, the run id and the SDK sink, both as one JSON variable each (what the SDKs read)
 * and as one variable per name (for shell steps); the Python SDK's folder first on PYTHONPATH; the step's
 * own `env` last. Kept apart from the inherited variables so a runner that starts steps from that same
 * environment (the fork server) looks only at these per step.
 */
export function stepOwnEnv(ctx: StepContext, spool: SpoolFiles): Record<string, string> {
  const node = ctx.exec.node;
  const params = node.kind === 'step' ? node.params : {};
  const inputs: Record<string, string> = {};
  for (const i of ctx.inputs) if (i.path) inputs[i.name] = i.path;
  const outputs: Record<string, string> = {};
  for (const o of ctx.exec.outputs) outputs[o.name] = ctx.outputPath(o.name);
  const env: Record<string, string> = {
    MLPIPE_RUN_ID: ctx.runId,
    MLPIPE_STEP: ctx.exec.id,
    MLPIPE_ATTEMPT: String(ctx.attempt),
    MLPIPE_WORKSPACE: ctx.workspace.root,
    MLPIPE_PIPELINE: ctx.pipelineFile,
    MLPIPE_PARAMS: JSON.stringify(params),
    MLPIPE_INPUTS: JSON.stringify(inputs),
    MLPIPE_OUTPUTS: JSON.stringify(outputs),
    MLPIPE_OUTPUT_DIR: ctx.outDir,
    MLPIPE_SINK: spool.sink,
    PYTHONUNBUFFERED: '1',
    PYTHONPATH: pythonPath(ctx.inheritedEnv),
  };
  for (const k in params) env[`MLPIPE_PARAM_${envName(k)}`] = String(params[k]);
  for (const k in inputs) env[`MLPIPE_INPUT_${envName(k)}`] = inputs[k];
  for (const k in outputs) env[`MLPIPE_OUTPUT_${envName(k)}`] = outputs[k];
  if (node.kind === 'step') Object.assign(env, mapProp(node, 'env', ctx.params));
  return env;
}

/** PYTHONPATH with the Python SDK first, once per inherited environment (that is, per run). */
const pythonPaths = new WeakMap<Readonly<Record<string, string>>, string>();
function pythonPath(inherited: Readonly<Record<string, string>>): string {
  let p = pythonPaths.get(inherited);
  if (p === undefined) pythonPaths.set(inherited, (p = [join(sdkDir(), 'python'), inherited.PYTHONPATH].filter(Boolean).join(':')));
  return p;
}

/**
 * The runtime's environment less the step-specific variables of an enclosing step: what every step of a
 * run starts from. Taken once per run: reading process.env goes through the C++ environment for every
 * variable, which cost more per step than starting a short step's process.
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !INHERITED_STEP_VARS.test(k)) env[k] = v;
  return env;
}

/** How to start a python, node, shell or notebook step. */
export function launchSpec(ctx: StepContext, spool: SpoolFiles): LaunchSpec {
  const node = ctx.exec.node;
  if (node.kind !== 'step') throw new StepFailure('not a step', 'error');
  const own = stepOwnEnv(ctx, spool);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(ctx.baseDir, p));
  const spec = (command: LaunchSpec['command']): LaunchSpec => {
    let full: Record<string, string> | undefined;
    return {
      runId: ctx.runId, step: ctx.exec.id, attempt: ctx.attempt, cwd: ctx.baseDir, spool, command, envLayers: { base: ctx.inheritedEnv, own },
      // Built when a runner asks for it: the fork server needs only the layers.
      get env() {
        return (full ??= { ...ctx.inheritedEnv, ...own });
      },
    };
  };
  switch (ctx.exec.kind) {
    case 'shell':
      return spec({ shell: node.command ?? '' });
    case 'python':
      return spec({ argv: [stringProp(node, 'python', ctx.params) ?? 'python3', '-u', abs(node.script ?? ''), ...listProp(node, 'args', ctx.params)] });
    case 'node': {
      // Under VS Code the runtime's own executable is Electron: this makes it behave as plain Node.
      if (process.versions.electron) own.ELECTRON_RUN_AS_NODE = '1';
      const hook = pathToFileURL(join(sdkDir(), 'node', 'register.mjs')).href;
      return spec({ argv: [process.execPath, '--import', hook, abs(node.script ?? ''), ...listProp(node, 'args', ctx.params)] });
    }
    case 'notebook': {
      const kernel = stringProp(node, 'kernel', ctx.params) ?? 'python3';
      const executed = ctx.exec.outputs.find((o) => o.file.endsWith('.ipynb'))!;
      own.MLPIPE_NOTEBOOK_KERNEL = kernel;
      return spec({ argv: [jupyterPython(), join(sdkDir(), 'python', 'mlpipe_notebook.py'), abs(node.notebook ?? ''), ctx.outputPath(executed.name), kernel] });
    }
    default:
      throw new StepFailure(`${ctx.exec.kind} is not a process step`, 'error');
  }
}

let jupyter: string | undefined;

/**
 * A Python that can execute notebooks (nbclient + ipykernel): MLPIPE_JUPYTER_PYTHON, else `python3` on
 * PATH, else Debian's /usr/bin/python3 (where `python3-nbconvert python3-ipykernel` install them).
 */
export function jupyterPython(): string {
  if (process.env.MLPIPE_JUPYTER_PYTHON) return process.env.MLPIPE_JUPYTER_PYTHON;
  if (jupyter) return jupyter;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import nbclient, nbformat, ipykernel'], { stdio: 'ignore', timeout: 20_000 });
      return (jupyter = candidate);
    } catch {
      // Try the next one.
    }
  }
  throw new StepFailure('no Python with Jupyter found to run the notebook: install nbclient and ipykernel (Debian: apt-get install python3-nbconvert python3-ipykernel) or set MLPIPE_JUPYTER_PYTHON', 'error');
}
