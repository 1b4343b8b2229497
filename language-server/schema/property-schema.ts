/**
 * What each block kind accepts. One table drives validation (required, unknown, value types),
 * completion, hover documentation, the canvas side form and the defaults used when a block is
 * inserted. Keep docs short: they show in hovers and form tooltips.
 */

export type RefKind =
  | 'source' | 'features' | 'training_set' | 'step' | 'step_output' | 'model' | 'evaluate_step' | 'target'
  | 'feature_column' | 'feature_view_all';

export type ValueSpec =
  | { type: 'string' }
  | { type: 'path'; extensions?: string[] }
  | { type: 'text' }
  | { type: 'int'; min?: number }
  | { type: 'number'; min?: number; max?: number }
  | { type: 'bool' }
  | { type: 'duration' }
  | { type: 'size' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'column' }
  | { type: 'columns' }
  | { type: 'names' }
  | { type: 'ref'; kinds: readonly RefKind[]; alias?: boolean }
  | { type: 'refs'; kinds: readonly RefKind[] }
  | { type: 'gate' }
  | { type: 'outputs' }
  | { type: 'params' }
  | { type: 'env' }
  | { type: 'schema' }
  | { type: 'options' }
  | { type: 'resources' };

export interface PropertySpec {
  key: string;
  value: ValueSpec;
  doc: string;
  required?: boolean;
  /** The key may appear more than once (e.g. `gate`). */
  multiple?: boolean;
  /** Text inserted after the key by completion, quick fixes and the canvas (snippet-free). */
  example: string;
}

export interface BlockSpec {
  /** `source`, `step:python`, `target:ssh`, ... */
  id: string;
  doc: string;
  properties: PropertySpec[];
  /** At least one of these keys must be present (e.g. `from` or `sql` for a feature view). */
  oneOf?: string[];
}

const DATA_INPUT: readonly RefKind[] = ['source', 'features', 'training_set', 'step_output', 'step'];

const prop = (key: string, value: ValueSpec, doc: string, example: string, extra: Partial<PropertySpec> = {}): PropertySpec =>
  ({ key, value, doc, example, ...extra });

const STEP_COMMON: PropertySpec[] = [
  prop('inputs', { type: 'refs', kinds: DATA_INPUT }, 'Data this step reads: sources, feature views, training sets or other steps\' outputs (`step.output`).', '[]'),
  prop('outputs', { type: 'outputs' }, 'Named files this step writes, relative to its output folder: `{ model: "model.onnx" }`. Other steps read them as `step.name`.', '{ out: "out.parquet" }'),
  prop('params', { type: 'params' }, 'Values passed to the step (environment and SDK); a bare name refers to a pipeline `param`.', '{}'),
  prop('resources', { type: 'resources' }, 'What the step needs: `gpus`, `cpus`, `memory` (size), `timeout` (duration).', '{ cpus: 1 }'),
  prop('retries', { type: 'int', min: 0 }, 'How many times to retry a failed attempt, with exponential backoff.', '1'),
  prop('target', { type: 'ref', kinds: ['target'] }, 'Where the step runs: a `target` (local, ssh or slurm). Defaults to this machine.', 'local'),
  prop('env', { type: 'env' }, 'Extra environment variables for the step process. Never put secrets here: reference them from the environment instead.', '{}'),
  prop('cache', { type: 'bool' }, 'Set to `false` to always rerun this step even when nothing changed.', 'false'),
];

const GATE = prop('gate', { type: 'gate' }, 'A metric condition that must hold, e.g. `auc >= 0.80`. May be repeated.', 'auc >= 0.8', { multiple: true });

const SSH_COMMON: PropertySpec[] = [
  prop('user', { type: 'string' }, 'Remote user name (default: from ~/.ssh/config or the local user).', '"ml"'),
  prop('port', { type: 'int', min: 1 }, 'SSH port (default 22 or ~/.ssh/config).', '22'),
  prop('identity', { type: 'path' }, 'Private key file (default: ssh-agent, then ~/.ssh/config).', '"~/.ssh/id_ed25519"'),
  prop('proxy_jump', { type: 'string' }, 'A jump host, as `user@host:port`.', '"bastion"'),
  prop('workdir', { type: 'string' }, 'Working directory on the remote host for this workspace.', '"~/mlpipe"'),
  prop('setup', { type: 'string' }, 'Shell command run before each step, e.g. activating a virtualenv or conda env.', '"source ~/venv/bin/activate"'),
  prop('connect_timeout', { type: 'duration' }, 'How long to wait for the SSH connection.', '10s'),
];

export const BLOCK_SPECS: readonly BlockSpec[] = [
  {
    id: 'source',
    doc: 'A data set read from files: CSV/TSV, Parquet or JSON, one path or a glob. `expect` lines declare data-quality checks.',
    properties: [
      prop('path', { type: 'path' }, 'File or glob, relative to the pipeline file: `"data/events/*.csv"`.', '"data/file.csv"', { required: true }),
      prop('format', { type: 'enum', values: ['csv', 'tsv', 'parquet', 'json', 'ndjson'] }, 'File format; inferred from the extension when omitted.', 'csv'),
      prop('timestamp', { type: 'column' }, 'Event-time column: when each row became true.', 'event_at'),
      prop('schema', { type: 'schema' }, 'Declared columns and types: `{ id: string, age: int }`. Checked against the data.', '{}'),
      prop('options', { type: 'options' }, 'Reader options passed to DuckDB, e.g. `{ delim: ";", header: true }`.', '{}'),
    ],
  },
  {
    id: 'features',
    doc: 'A feature view: feature columns keyed by entity and event time, computed from a source or SQL. Training sets join it point-in-time.',
    oneOf: ['from', 'sql'],
    properties: [
      prop('entity', { type: 'columns' }, 'Entity key column(s), e.g. `customer_id` or `[store_id, item_id]`.', 'customer_id', { required: true }),
      prop('timestamp', { type: 'column' }, 'Event-time column; without it a point-in-time join cannot exclude future rows.', 'event_at'),
      prop('created', { type: 'column' }, 'Created-time column; breaks ties between rows with the same event time.', 'created_at'),
      prop('ttl', { type: 'duration' }, 'Rows older than this before the label time are ignored.', '30d'),
      prop('from', { type: 'ref', kinds: ['source', 'features', 'step_output'] }, 'Where the rows come from (a source, view or step output).', 'events'),
      prop('sql', { type: 'text' }, 'DuckDB SQL computing the view; sources are tables named after them.', '"""\n  select * from events\n"""'),
    ],
  },
  {
    id: 'training_set',
    doc: 'Labels joined point-in-time with features: for each label row, the latest feature values at or before the label time.',
    properties: [
      prop('labels', { type: 'ref', kinds: ['source', 'step_output'] }, 'The label rows: entity key(s), label time and the label.', 'labels', { required: true }),
      prop('label_time', { type: 'column' }, 'Column of the label rows holding the time the prediction is made.', 'label_at', { required: true }),
      prop('entity', { type: 'columns' }, 'Entity key column(s) shared by labels and feature views.', 'customer_id', { required: true }),
      prop('label', { type: 'column' }, 'The column to predict.', 'label'),
      prop('features', { type: 'refs', kinds: ['feature_column', 'feature_view_all'] }, 'Features to join: `view.column` or `view.*`.', '[]', { required: true }),
    ],
  },
  {
    id: 'step:sql',
    doc: 'A DuckDB SQL query whose result is written as Parquet. Inputs are tables named after them.',
    properties: [...STEP_COMMON, prop('sql', { type: 'text' }, 'The query. Inputs are available as tables named after them.', '"""\n  select 1\n"""', { required: true })],
  },
  {
    id: 'step:python',
    doc: 'A Python script run as a process; params, input and output paths arrive through environment variables and the `mlpipe` SDK.',
    properties: [
      ...STEP_COMMON,
      prop('script', { type: 'path', extensions: ['.py'] }, 'The script, relative to the pipeline file.', '"steps/step.py"', { required: true }),
      prop('args', { type: 'names' }, 'Extra command-line arguments.', '[]'),
      prop('python', { type: 'string' }, 'Interpreter to use (default `python3`).', '"python3"'),
    ],
  },
  {
    id: 'step:notebook',
    doc: 'A Jupyter notebook executed headless with params injected as its first cell; the executed notebook is kept.',
    properties: [
      ...STEP_COMMON,
      prop('notebook', { type: 'path', extensions: ['.ipynb'] }, 'The `.ipynb` file, relative to the pipeline file.', '"notebooks/step.ipynb"', { required: true }),
      prop('kernel', { type: 'string' }, 'Kernel name (default `python3`).', '"python3"'),
    ],
  },
  {
    id: 'step:shell',
    doc: 'A shell command run with `sh -c`.',
    properties: [...STEP_COMMON, prop('command', { type: 'text' }, 'The command line.', '"echo hello"', { required: true })],
  },
  {
    id: 'step:node',
    doc: 'A Node.js script run as a process, with the `mlpipe` SDK available.',
    properties: [
      ...STEP_COMMON,
      prop('script', { type: 'path', extensions: ['.js', '.mjs', '.cjs'] }, 'The script, relative to the pipeline file.', '"steps/step.mjs"', { required: true }),
      prop('args', { type: 'names' }, 'Extra command-line arguments.', '[]'),
    ],
  },
  {
    id: 'step:evaluate',
    doc: 'Scores held-out data with a model, computes metrics and applies gates; a failed gate fails the step with the numbers.',
    properties: [
      ...STEP_COMMON.filter((p) => p.key !== 'outputs'),
      prop('model', { type: 'ref', kinds: ['step_output', 'model'] }, 'The model to evaluate: a step output such as `train.model`.', 'train.model', { required: true }),
      prop('data', { type: 'ref', kinds: ['source', 'training_set', 'step_output'] }, 'Held-out rows with the label column.', 'holdout', { required: true }),
      prop('label', { type: 'column' }, 'The label column in `data`.', 'label', { required: true }),
      prop('metrics', { type: 'names' }, 'Metrics to compute: auc, accuracy, precision, recall, f1, log_loss, rmse, mae, r2.', '[auc, accuracy]'),
      prop('threshold', { type: 'number', min: 0, max: 1 }, 'Decision threshold for classification metrics (default 0.5).', '0.5'),
      GATE,
    ],
  },
  {
    id: 'model',
    doc: 'A registered model: each successful training run adds a version; gates are checked again on promotion.',
    properties: [
      prop('from', { type: 'ref', kinds: ['step_output'] }, 'The step output holding the model file (ONNX), e.g. `train.model`.', 'train.model', { required: true }),
      prop('evaluation', { type: 'ref', kinds: ['evaluate_step'] }, 'The evaluate step whose metrics the gates read.', 'evaluate'),
      GATE,
      prop('aliases', { type: 'names' }, 'Aliases given to a new version that passes its gates, e.g. `[candidate]`.', '[candidate]'),
    ],
  },
  {
    id: 'deploy',
    doc: 'A local REST endpoint serving a model version by alias (MLflow-compatible `/invocations`).',
    properties: [
      prop('model', { type: 'ref', kinds: ['model'], alias: true }, 'Model and alias to serve: `churn_model@champion`.', 'model@champion', { required: true }),
      prop('port', { type: 'int', min: 1 }, 'TCP port (default 8080).', '8080'),
      prop('host', { type: 'string' }, 'Interface to bind (default 127.0.0.1).', '"127.0.0.1"'),
      prop('max_batch', { type: 'int', min: 1 }, 'Largest batch formed from concurrent requests.', '64'),
    ],
  },
  {
    id: 'monitor',
    doc: 'Compares current data with a reference for drift and acts when it moves.',
    properties: [
      prop('reference', { type: 'ref', kinds: ['source', 'training_set', 'step_output'] }, 'The data the model was trained on.', 'train_data', { required: true }),
      prop('current', { type: 'ref', kinds: ['source', 'step_output'] }, 'The data seen now.', 'events', { required: true }),
      prop('columns', { type: 'names' }, 'Columns to compare (default: all shared columns).', '[]'),
      prop('method', { type: 'enum', values: ['auto', 'ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] }, 'Drift test; `auto` picks per column like Evidently.', 'auto'),
      prop('threshold', { type: 'number', min: 0 }, 'Drift threshold for the method (p-value for tests, distance otherwise).', '0.1'),
      prop('schedule', { type: 'duration' }, 'How often to check.', '1d'),
      prop('action', { type: 'enum', values: ['alert', 'retrain'] }, 'What to do when the data set drifted.', 'alert'),
      prop('retrain', { type: 'ref', kinds: ['model'] }, 'The model to retrain and challenge the champion with (action retrain).', 'model'),
    ],
  },
  {
    id: 'target:local',
    doc: 'This machine.',
    properties: [
      prop('workdir', { type: 'string' }, 'Working directory (default: the workspace).', '"."'),
      prop('setup', { type: 'string' }, 'Shell command run before each step.', '""'),
      prop('max_parallel', { type: 'int', min: 1 }, 'Steps run at once (default: number of cores).', '2'),
    ],
  },
  {
    id: 'target:ssh',
    doc: 'A machine reached over SSH (host keys verified against known_hosts).',
    properties: [prop('host', { type: 'string' }, 'Host name or ~/.ssh/config alias.', '"gpu-box"', { required: true }), ...SSH_COMMON],
  },
  {
    id: 'target:slurm',
    doc: 'A Slurm cluster: jobs submitted with sbatch through a login host reached over SSH.',
    properties: [
      prop('login', { type: 'string' }, 'Login host name or ~/.ssh/config alias.', '"login.cluster"', { required: true }),
      ...SSH_COMMON,
      prop('partition', { type: 'string' }, 'Slurm partition (`--partition`).', '"gpu"'),
      prop('account', { type: 'string' }, 'Slurm account (`--account`).', '"ml"'),
      prop('qos', { type: 'string' }, 'Quality of service (`--qos`).', '"normal"'),
      prop('gres', { type: 'string' }, 'Generic resources (`--gres`), e.g. `"gpu:a100:1"`; overrides the step\'s gpus.', '"gpu:1"'),
    ],
  },
];

const BY_ID = new Map(BLOCK_SPECS.map((s) => [s.id, s]));

/** The spec for a block (`step` and `target` need their kind). */
export function blockSpec(blockKind: string, subKind?: string): BlockSpec | undefined {
  return BY_ID.get(subKind ? `${blockKind}:${subKind}` : blockKind);
}

// Looked up for every property of every block on each change: a map per spec, not a scan of its list.
const PROPERTY_MAPS = new WeakMap<BlockSpec, Map<string, PropertySpec>>();

export function propertySpec(spec: BlockSpec | undefined, key: string): PropertySpec | undefined {
  if (!spec) return undefined;
  let byKey = PROPERTY_MAPS.get(spec);
  if (!byKey) {
    byKey = new Map();
    for (const p of spec.properties) if (!byKey.has(p.key)) byKey.set(p.key, p);
    PROPERTY_MAPS.set(spec, byKey);
  }
  return byKey.get(key);
}

/** Known members of a `resources { }` map. */
export const RESOURCE_KEYS: Record<string, { value: ValueSpec; doc: string }> = {
  gpus: { value: { type: 'int', min: 0 }, doc: 'GPUs (Slurm: `--gres=gpu:N`).' },
  cpus: { value: { type: 'int', min: 1 }, doc: 'CPU cores (Slurm: `--cpus-per-task`).' },
  memory: { value: { type: 'size' }, doc: 'Memory, e.g. `16GB` (Slurm: `--mem`).' },
  timeout: { value: { type: 'duration' }, doc: 'Longest an attempt may run, e.g. `2h`.' },
};

export const COLUMN_TYPES = [
  'string', 'int', 'bigint', 'float', 'double', 'decimal', 'bool', 'date', 'timestamp', 'timestamptz', 'time', 'json', 'blob',
] as const;

export const DRIFT_METHODS = ['auto', 'ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
