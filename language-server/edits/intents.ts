/**
 * What a canvas gesture asks for. The host turns each intent into minimal text edits
 * (graph-edits.ts); the text stays the single source of truth.
 */
import type { ModelValue, NodeKind, PipelineEdge } from '../model/pipeline-model.js';

export type CanvasIntent =
  | { type: 'addNode'; kind: NodeKind; stepKind?: string; name?: string }
  | { type: 'connect'; from: string; fromPort?: string; to: string; toProperty?: string }
  | { type: 'disconnect'; edge: PipelineEdge }
  | { type: 'deleteNode'; id: string }
  | { type: 'setProperty'; id: string; key: string; value: ModelValue | null }
  /** The value as `.mlpipe` text, as typed in the canvas side form (`[a, b]`, `30d`, `{ gpus: 1 }`). */
  | { type: 'setPropertyText'; id: string; key: string; text: string }
  | { type: 'rename'; id: string; newName: string };

export interface IntentResult {
  edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  /** Set when the intent cannot be applied; `edits` is then empty. */
  error?: string;
  /** For addNode: the name given to the new block. */
  name?: string;
}
