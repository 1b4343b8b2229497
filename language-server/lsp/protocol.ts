/** Custom LSP messages between the MLPipe server and its clients (extension, canvas host, tests). */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CanvasIntent, IntentResult } from '../edits/intents.js';
import type { CanvasModelPatch } from './canvas-model-patch.js';
import type { NodeKind, PipelineEdge, PipelineModel, SourceRange } from '../model/pipeline-model.js';

export const PipelineModelRequest = 'mlpipe/pipelineModel';

export interface PipelineModelParams {
  uri: string;
}

export interface PipelineModelResult {
  uri: string;
  /** The document version the model was built from. */
  version: number;
  model: PipelineModel;
  /** True when the text has syntax errors; the model is then partial. */
  hasSyntaxErrors: boolean;
  diagnostics: Diagnostic[];
  /**
   * Pushed models only: built right after linking, before validation, so a canvas can redraw
   * sooner; `diagnostics` is then empty and the diagnostics of this version follow in
   * `mlpipe/pipelineDiagnosticsChanged`. Never set while the text has syntax errors.
   */
  diagnosticsPending?: boolean;
  /**
   * Pushed models only: the model of the text a canvas gesture's edits give (`version` is the one the
   * document has once they are applied), sent right after `mlpipe/applyIntents` answered, while the
   * editor applies them. A client may use it only for the text it checked is exactly that; the
   * model of the document's own change follows as usual.
   */
  predicted?: boolean;
}

/**
 * Sent after each build of a document a client subscribed to (a canvas is open on it), so views
 * need not poll. Not sent otherwise: serialising the model on every keystroke costs time nobody uses.
 */
export const PipelineModelChangedNotification = 'mlpipe/pipelineModelChanged';

/**
 * What the canvas uses of a node: the pushed model carries only this (200 nodes: under half the
 * whole model's JSON, which the server writes and the extension host reads after every keystroke).
 * The whole model (`PipelineNode`) has these fields too, so it can stand in for it.
 */
export type CanvasModelNode = {
  id: string;
  description?: string;
  range: SourceRange;
  nameRange: SourceRange;
  props: { key: string; range: SourceRange }[];
} & ({ kind: 'step'; stepKind: string; outputs: { name: string }[] } | { kind: Exclude<NodeKind, 'step'> });

export interface CanvasModel {
  name: string;
  nodes: CanvasModelNode[];
  edges: PipelineEdge[];
  targets: { name: string }[];
}

/** The pushed model (`mlpipe/pipelineModelChanged`): the whole answer, with the canvas's part of the model. */
export type PipelineModelChangedParams = Omit<PipelineModelResult, 'model'> & { model: CanvasModel };

/**
 * What `mlpipe/pipelineModelChanged` carries on the wire. The pushes of one document are numbered
 * (`seq`); the first after subscribing has the whole `model`, each later one a `patch` against the
 * push numbered `base` (language-server/lsp/canvas-model-patch.ts), which the client keeps.
 */
export type PipelineModelPushParams = Omit<PipelineModelChangedParams, 'model'> & { seq: number } & (
  { model: CanvasModel; patch?: undefined } | { model?: undefined; patch: CanvasModelPatch; base: number }
);
export const SubscribePipelineModelNotification = 'mlpipe/subscribePipelineModel';
export const UnsubscribePipelineModelNotification = 'mlpipe/unsubscribePipelineModel';

/** The diagnostics of a version whose model was pushed with `diagnosticsPending`, once validated. */
export const PipelineDiagnosticsChangedNotification = 'mlpipe/pipelineDiagnosticsChanged';
export interface PipelineDiagnosticsParams {
  uri: string;
  version: number;
  diagnostics: Diagnostic[];
}

/** The extension reports Workspace Trust: data checks and previews run only while it is granted. */
export const TrustChangedNotification = 'mlpipe/trustChanged';
export interface TrustChangedParams {
  trusted: boolean;
}

/** Data files in the workspace changed on disk: re-run the data checks of open documents. */
export const DataFilesChangedNotification = 'mlpipe/dataFilesChanged';

/** The first rows and statistics of a training set's point-in-time join. */
export const PreviewTrainingSetRequest = 'mlpipe/previewTrainingSet';
export interface PreviewTrainingSetParams {
  uri: string;
  name: string;
  limit?: number;
}

/**
 * Turns canvas intents into text edits on the server, which has the syntax tree. The client applies
 * the edits as one WorkspaceEdit (so undo, dirty state and save behave as for typing).
 */
export const ApplyIntentsRequest = 'mlpipe/applyIntents';

export interface ApplyIntentsParams {
  uri: string;
  /** The document version the client will apply the edits to. */
  version: number;
  intents: CanvasIntent[];
}

export interface ApplyIntentsResult extends IntentResult {
  /** The version the edits were computed for; `stale` when that is not the version asked for. */
  version: number;
  stale?: boolean;
}
