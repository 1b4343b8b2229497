import { parseArgs } from 'node:util';
import { processIo, UsageError, type Io } from './output.js';

export const USAGE = `Usage: mlpipe <command> [options]

Commands:
  validate FILE... [--json]        check .mlpipe files; exit 1 on errors
  fmt FILE [--check|--write]       print the canonical layout; --check exits 1 if it differs
  graph FILE [--json]              the pipeline's nodes and edges
  profile PATH_OR_GLOB [--json] [--columns a,b] [--sample-out F.arrow] [--sample-rows N]
                                   column statistics, histograms and top values of a data file
  check FILE [--json] [--source S] evaluate the sources' expectations; exit 1 when an error one fails
  features FILE TRAINING_SET [--limit N] [--json] [--out F.parquet] [--exact-leakage]
  features --labels P --features P --entity C[,C] --label-time C --feature-time C
           [--created C] [--ttl 48h] [--limit N] [--json|--out F] [--exact-leakage]
                                   point-in-time join of labels and features (no leakage)
  drift --reference P --current P [--columns a,b] [--method M] [--json]
                                   per-column drift tests; exit 1 when the dataset drifted

Running (see docs/runtime.md; remote targets in docs/remote.md):
  run FILE [--step S]... [--from S] [--force] [--param NAME=VALUE]... [--json-events] [--parallel N] [--local] [--quiet]
                                   run the pipeline (steps on ssh/slurm targets run there); cached steps are
                                   skipped; exit 1 if a step failed
  plan FILE [same options] [--json] what a run would execute and why (what changed)
  train FILE [--param NAME=VALUE]...  run up to and including evaluation and model registration
  attach RUN [--json-events]       pick up a run whose CLI was killed: remote steps still going are followed
  targets list FILE [--json]       the pipeline's targets
  targets check FILE NAME [--json] connect: latency, OS, free disk, GPUs, Slurm partitions; exit 1 if unusable
  targets trust FILE NAME [--yes]  show the host key's fingerprint; with --yes add it to known_hosts
  runs list [--json] [--limit N] [--pipeline P]   runs in this workspace, newest first
  runs show ID [--json]            one run: params, metrics and their history, steps, lineage
  runs compare ID ID... [--json]   params and metrics side by side
  runs cancel ID                   cancel a run (and end steps a killed run left behind)
  cache status [--json]            cached step results: how many, their size, how many no node uses now
  cache gc [--dry-run] [--json]    remove the results that are no node's latest (exit 1 while a run goes on)
  models list|show NAME|history NAME [--json] [--pipeline P]
  models promote NAME VERSION|ALIAS [--alias A] [--stage S] [--archive-existing] [--reason TEXT]
                                   move an alias or stage after checking the model's gates
  models rollback NAME [--alias A] move an alias back to its previous version
  score MODEL@ALIAS DATA --out F.parquet [--column C] [--json]   batch inference over a CSV/Parquet/JSON file
  serve MODEL@ALIAS [--port P] [--host H] [--max-batch N]          HTTP scoring server (MLflow's /invocations)
  deploy FILE DEPLOYMENT [--from ALIAS|VERSION] [--reason TEXT] [--port P] [--no-serve]
                                   promote through the gates the file declares, then serve
Every command that reads the store takes --workspace DIR.

Exit codes: 0 ok, 1 problems found, 2 usage or I/O error.`;

type Command = (args: string[], io: Io) => Promise<number>;

/**
 * Each command's module is imported when that command runs: DuckDB's native library, ONNX Runtime and
 * the SSH layer take hundreds of milliseconds to load, and `validate` or a fully cached `run` should
 * not wait for the ones it never uses.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  profile: async () => (await import('./profile-command.js')).profileCommand,
  check: async () => (await import('./check-command.js')).checkCommand,
  features: async () => (await import('./features-command.js')).featuresCommand,
  drift: async () => (await import('./drift-command.js')).driftCommand,
  run: async () => { const { runCommand } = await import('./run-command.js'); return (a, io) => runCommand('run', a, io); },
  plan: async () => { const { runCommand } = await import('./run-command.js'); return (a, io) => runCommand('plan', a, io); },
  train: async () => { const { runCommand } = await import('./run-command.js'); return (a, io) => runCommand('train', a, io); },
  attach: async () => (await import('./attach-command.js')).attachCommand,
  targets: async () => (await import('./targets-command.js')).targetsCommand,
  runs: async () => (await import('./runs-command.js')).runsCommand,
  cache: async () => (await import('./cache-command.js')).cacheCommand,
  models: async () => (await import('./models-command.js')).modelsCommand,
  score: async () => (await import('./score-command.js')).scoreCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  deploy: async () => (await import('./deploy-command.js')).deployCommand,
};

/** validate, fmt and graph share one set of options. */
const LANGUAGE_COMMANDS = ['validate', 'fmt', 'graph'];

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    // The data and runtime commands take their own options.
    const load = COMMANDS[command];
    if (load) return await (await load())(rest, io);
    if (!LANGUAGE_COMMANDS.includes(command)) throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
    const { values, positionals } = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: { json: { type: 'boolean', default: false }, check: { type: 'boolean', default: false }, write: { type: 'boolean', default: false } },
    });
    switch (command) {
      case 'validate': return await (await import('./validate-command.js')).validateCommand(positionals, { json: !!values.json }, io);
      case 'fmt': return await (await import('./fmt-command.js')).fmtCommand(positionals, { check: !!values.check, write: !!values.write }, io);
      default: return await (await import('./graph-command.js')).graphCommand(positionals, { json: !!values.json }, io);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`mlpipe: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
