/**
 * The plain, JSON-serialisable model of a `.mlpipe` file. It is the contract between the language
 * server and everything else (canvas, runtime, CLI, panels): no Langium types cross this line.
 * Positions are 0-based like LSP.
 */

export interface Position {
  line: number;
  character: number;
}

export interface SourceRange {
  start: Position;
  end: Position;
}

export type NodeKind = 'source' | 'features' | 'training_set' | 'step' | 'model' | 'deploy' | 'monitor';
export const NODE_KINDS: readonly NodeKind[] = ['source', 'features', 'training_set', 'step', 'model', 'deploy', 'monitor'];

export type StepKind = 'sql' | 'python' | 'notebook' | 'shell' | 'node' | 'evaluate';
export const STEP_KINDS: readonly StepKind[] = ['sql', 'python', 'notebook', 'shell', 'node', 'evaluate'];

export type TargetKind = 'local' | 'ssh' | 'slurm';
export const TARGET_KINDS: readonly TargetKind[] = ['local', 'ssh', 'slurm'];

export type ParamType = 'int' | 'float' | 'string' | 'bool' | 'duration' | 'size';
export const PARAM_TYPES: readonly ParamType[] = ['int', 'float', 'string', 'bool', 'duration', 'size'];

export type CompareOp = '>=' | '<=' | '==' | '!=' | '>' | '<';

/** A property value as written, with units already converted. */
export type ModelValue =
  | { type: 'string'; value: string }
  | { type: 'text'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'duration'; text: string; ms: number }
  | { type: 'size'; text: string; bytes: number }
  | { type: 'ref'; path: string[]; wildcard?: boolean; alias?: string }
  | { type: 'list'; items: ModelValue[] }
  | { type: 'map'; entries: { key: string; value: ModelValue }[] }
  | { type: 'comparison'; left: ModelValue; op: CompareOp; right: ModelValue };

export type Scalar = string | number | boolean;

export interface ModelProperty {
  key: string;
  value: ModelValue;
  range: SourceRange;
}

export interface ParamModel {
  name: string;
  type: ParamType;
  default: Scalar | null;
  description?: string;
  range: SourceRange;
}

/** A reference from one node to another (or to one of its outputs / feature columns). */
export interface NodeRef {
  node: string;
  /** Output name of a step, feature column of a view, or column of a source. */
  member?: string;
  /** `*` in `activity.*`. */
  wildcard?: boolean;
}

export interface ExpectationModel {
  /** Stable within a file as long as the expectation is not moved: `source#index`. */
  id: string;
  kind: ExpectationKind;
  column?: string;
  columns?: string[];
  min?: Scalar;
  max?: Scalar;
  strictMin?: boolean;
  strictMax?: boolean;
  values?: Scalar[];
  pattern?: string;
  typeName?: string;
  ref?: NodeRef;
  maxAgeMs?: number;
  mostly?: number;
  severity: 'error' | 'warning';
  /** The expectation as written, e.g. `age between 18 and 120`. */
  text: string;
  range: SourceRange;
}

export type ExpectationKind =
  | 'not_null' | 'unique' | 'exists' | 'between' | 'in_set' | 'not_in_set' | 'values_in' | 'matches'
  | 'type' | 'length_between' | 'row_count' | 'freshness' | 'compound_unique'
  | 'mean_between' | 'median_between' | 'stddev_between' | 'min_between' | 'max_between' | 'sum_between';

interface NodeBase {
  /** Unique within the pipeline: the block's name. */
  id: string;
  name: string;
  description?: string;
  /** Whole block, from its keyword to its closing brace. */
  range: SourceRange;
  nameRange: SourceRange;
  /** Every property as written, in order, for generic display and editing. */
  props: ModelProperty[];
}

export interface SourceNode extends NodeBase {
  kind: 'source';
  path?: string;
  format?: 'csv' | 'tsv' | 'parquet' | 'json' | 'ndjson';
  timestamp?: string;
  schema?: { name: string; type: string }[];
  expectations: ExpectationModel[];
}

export interface FeatureColumnModel {
  name: string;
  type?: string;
  description?: string;
  range: SourceRange;
}

export interface FeatureViewNode extends NodeBase {
  kind: 'features';
  entity: string[];
  timestamp?: string;
  created?: string;
  ttlMs?: number;
  from?: NodeRef;
  sql?: string;
  features: FeatureColumnModel[];
}

export interface TrainingSetNode extends NodeBase {
  kind: 'training_set';
  labels?: NodeRef;
  labelTime?: string;
  entity: string[];
  label?: string;
  features: NodeRef[];
}

export interface Resources {
  gpus?: number;
  cpus?: number;
  memoryBytes?: number;
  timeoutMs?: number;
}

export interface GateModel {
  metric: string;
  op: CompareOp;
  /** Resolved through params (defaults) when written as a param name. */
  value: number | null;
  param?: string;
  text: string;
}

export interface StepNode extends NodeBase {
  kind: 'step';
  stepKind: string;
  inputs: NodeRef[];
  outputs: { name: string; path: string }[];
  /** Param values with param references resolved to their defaults; `paramRefs` keeps the names. */
  params: Record<string, Scalar>;
  paramRefs: Record<string, string>;
  resources: Resources;
  retries: number;
  target?: string;
  script?: string;
  sql?: string;
  command?: string;
  notebook?: string;
  /** evaluate steps */
  model?: NodeRef;
  data?: NodeRef;
  label?: string;
  metrics?: string[];
  gates: GateModel[];
}

export interface ModelNode extends NodeBase {
  kind: 'model';
  from?: NodeRef;
  evaluation?: string;
  gates: GateModel[];
  aliases: string[];
}

export interface DeployNode extends NodeBase {
  kind: 'deploy';
  model?: string;
  alias?: string;
  port?: number;
  host?: string;
}

export interface MonitorNode extends NodeBase {
  kind: 'monitor';
  reference?: NodeRef;
  current?: NodeRef;
  columns: string[];
  method?: string;
  threshold?: number;
  scheduleMs?: number;
  action?: string;
  retrain?: string;
}

export type PipelineNode =
  | SourceNode | FeatureViewNode | TrainingSetNode | StepNode | ModelNode | DeployNode | MonitorNode;

export interface TargetModel {
  name: string;
  kind: string;
  description?: string;
  /** String, number and bool properties, e.g. host, user, port, partition. */
  options: Record<string, Scalar>;
  range: SourceRange;
  nameRange: SourceRange;
}

export type EdgeRole =
  | 'input' | 'from' | 'labels' | 'feature' | 'model' | 'data' | 'evaluation' | 'reference' | 'current' | 'retrain';

export interface PipelineEdge {
  /** Node id the data or artifact comes from. */
  from: string;
  /** Output, feature column or column of `from`, when the reference names one. */
  fromPort?: string;
  to: string;
  /** The property of `to` that holds the reference (inputs, from, labels, ...). */
  role: EdgeRole;
}

export interface PipelineModel {
  name: string;
  description?: string;
  params: ParamModel[];
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  targets: TargetModel[];
  range?: SourceRange;
}
