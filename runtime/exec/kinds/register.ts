import { copyFileSync, linkSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkGates, gateFailures, round } from '../../evaluation/gates.js';
import { readSignature } from '../../onnx/signature.js';
import { currentUser } from '../../registry/identity.js';
import { inputByRole, StepFailure, type KindResult, type StepContext } from '../step-context.js';

/**
 * A `model` block in a run: registers the artifact as a version (idempotent by digest), with the
 * evaluation's metrics, checks the model's gates and, when they pass, points its aliases (e.g.
 * `candidate`) at the version. A failed gate leaves the version registered without aliases and fails
 * the node, so CI sees it.
 */
export async function runRegister(ctx: StepContext): Promise<KindResult> {
  const node = ctx.exec.node;
  if (node.kind !== 'model') throw new StepFailure('not a model block', 'error');
  const from = inputByRole(ctx, 'from');
  if (!from?.path) throw new StepFailure(`model ${node.name} needs \`from\`: the step output holding the ONNX file`, 'error');
  const evaluation = inputByRole(ctx, 'evaluation');
  let metrics: Record<string, number> = {};
  if (evaluation?.path) metrics = (JSON.parse(readFileSync(evaluation.path, 'utf8')) as { metrics: Record<string, number> }).metrics;
  let signature;
  try {
    signature = readSignature(from.path);
  } catch (e) {
    throw new StepFailure((e as Error).message, 'error');
  }
  const who = currentUser();
  const { version, created } = ctx.registry.register({
    model: node.name, file: from.path, signature, metrics, who, run: ctx.runId,
    step: from.origin.type === 'exec' ? from.origin.node : undefined, pipeline: relative(ctx.workspace.root, ctx.pipelineFile),
    why: `run ${ctx.runId}`,
  });
  ctx.log(`${node.name}: ${created ? 'registered' : 'already registered as'} version ${version.version} (${version.digest.slice(0, 12)})`);
  try {
    linkSync(from.path, ctx.outputPath('model'));
  } catch {
    copyFileSync(from.path, ctx.outputPath('model'));
  }
  const gates = checkGates(node.gates, version.metrics);
  const failed = gateFailures(gates);
  const aliases: string[] = [];
  if (!failed.length) {
    const state = ctx.registry.state(node.name);
    const why = `run ${ctx.runId}${gates.length ? `: gates passed (${gates.map((g) => `${g.metric} ${round(g.value!)}`).join(', ')})` : ''}`;
    for (const alias of node.aliases) {
      if (state.aliases[alias] !== version.version) ctx.registry.setAlias(node.name, alias, version.version, who, why, gates, ctx.runId);
      aliases.push(alias);
    }
    if (aliases.length) ctx.log(`${node.name}@${aliases.join(', @')} → version ${version.version}`);
  }
  ctx.emit({ type: 'model_registered', step: ctx.exec.id, model: node.name, version: version.version, created, aliases, gates });
  if (failed.length) throw new StepFailure(`${failed.join('; ')} (version ${version.version} registered without aliases)`, 'gate');
  return { extra: { model: node.name, version: version.version, digest: version.digest } };
}
