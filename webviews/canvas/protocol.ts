/**
 * The message contract between the canvas webview and its host (extension/canvas). One union per
 * direction; both sides check what they receive with the guards in protocol-guards.ts and handle it
 * in one exhaustive switch. Only types are imported here, so the webview bundle stays free of
 * language-server code.
 */
import type { CanvasIntent } from '../../language-server/edits/intents.js';
import type { EdgeRole, NodeKind, PipelineEdge } from '../../language-server/model/pipeline-model.js';
import type { BlockSpec } from '../../language-server/schema/property-schema.js';
import type { GraphPatch } from './graph-patch.js';

export type { BlockSpec, CanvasIntent, EdgeRole, GraphPatch, NodeKind, PipelineEdge };

export interface XY {
  x: number;
  y: number;
}

export type Positions = Record<string, XY>;

export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface CanvasProblem {
  severity: ProblemSeverity;
  message: string;
  code?: string;
  /** 0-based line, for the tooltip. */
  line: number;
}

/** One block of the pipeline as the canvas shows it; prepared by the host from the PipelineModel. */
export interface CanvasNode {
  id: string;
  kind: NodeKind;
  stepKind?: string;
  /** Key of the block's property schema: `source`, `step:python`, ... */
  specId: string;
  description?: string;
  /** Named outputs of a step, one handle each; empty means one unnamed output handle. */
  outputs: string[];
  /** Every property as written: its key and the text of its value. */
  props: { key: string; text: string }[];
  problems: CanvasProblem[];
}

export interface CanvasEdge {
  /** Stable across rebuilds: from, port, to and role. */
  id: string;
  from: string;
  fromPort?: string;
  to: string;
  role: EdgeRole;
}

export interface CanvasGraph {
  name: string;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  /** Names of the targets a step may run on (for the side form's `target` choice). */
  targets: string[];
}

/** States a step (or any node) goes through in a run, as the runtime's event stream reports them. */
export type RunState = 'queued' | 'running' | 'cached' | 'succeeded' | 'failed' | 'skipped';
export const RUN_STATES: readonly RunState[] = ['queued', 'running', 'cached', 'succeeded', 'failed', 'skipped'];

export interface NodeRunStatus {
  state: RunState;
  /** How long the node ran (or has been running), for succeeded, failed and running. */
  durationMs?: number;
  /** A short reason, e.g. the failed gate or the exit code. */
  message?: string;
}

/** What the run integration sends: statuses by node id. `reset` starts a new run (clears the rest). */
export interface RunStatusUpdate {
  runId: string;
  reset?: boolean;
  nodes: Record<string, NodeRunStatus>;
}

export type CanvasCommand = 'autoLayout' | 'fitView';

export type HostToCanvas =
  | { type: 'init'; fileName: string; schemas: BlockSpec[]; positions: Positions; readOnly: boolean }
  /**
   * The graph of a document version. While the text has syntax errors `graph` is the last good one
   * (or null if there never was one) and `syntaxError` says where the text is broken.
   */
  | {
    type: 'document'; version: number; graph: CanvasGraph | null; syntaxError?: { message: string; line: number };
    /**
     * Positions of the whole graph laid out by the host (ELK, in a worker thread), when the canvas
     * asked for them: in `ready` (it has no positions of its own) or with `layout` (Auto-layout).
     * It may lack nodes added while the layout ran; the canvas places those beside their inputs.
     */
    layout?: Positions;
  }
  /**
   * The same as `document`, with the graph given as the change from the graph of the last `document`
   * or `documentPatch` (whose version is `base`; diagnostics arriving after a model give a patch with
   * `base` equal to `version`). A canvas not at `base` sends `ready` again and gets everything anew.
   */
  | { type: 'documentPatch'; version: number; base: number; patch: GraphPatch; syntaxError?: { message: string; line: number } }
  /** Hand-placed positions changed outside this canvas (another canvas, git, Auto-layout). */
  | { type: 'positions'; positions: Positions }
  /** The cursor in the text moved into a block (null: outside every block). */
  | { type: 'select'; id: string | null }
  | { type: 'runStatus'; update: RunStatusUpdate }
  /** A gesture was refused or failed; shown briefly in the canvas. */
  | { type: 'notice'; severity: 'error' | 'info'; message: string }
  /** A command from the editor title or palette that the canvas carries out. */
  | { type: 'command'; command: CanvasCommand };

export type CanvasToHost =
  /** The handshake. `layout`: the canvas has no positions of its own; send the first graph laid out. */
  | { type: 'ready'; layout?: boolean }
  /** Send the graph again with a fresh layout (Auto-layout, or a graph none of whose nodes has a position). */
  | { type: 'layout' }
  /** A gesture; `at` is where a palette item was dropped (the new node is placed there). */
  | { type: 'intent'; intent: CanvasIntent; at?: XY }
  /** Delete key or the form's Delete button: nodes and edges together, confirmed by the host when referenced. */
  | { type: 'delete'; nodes: string[]; edges: PipelineEdge[] }
  /** Clicked a node: select its block in the text. `openText` opens the text beside if it is not visible. */
  | { type: 'reveal'; id: string; openText: boolean }
  /** Nodes moved by hand (drag stop). */
  | { type: 'moved'; positions: Positions }
  /** Forget hand-placed positions (Auto-layout). */
  | { type: 'resetLayout' }
  /** Timings the canvas measured, written to the output channel for benchmarks and tests. */
  | { type: 'timing'; name: 'firstPaint' | 'gesture'; ms: number; nodes: number };
