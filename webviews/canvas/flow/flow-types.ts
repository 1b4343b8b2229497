import type { Edge, Node } from '@xyflow/react';
import type { CanvasEdge, CanvasNode, NodeRunStatus } from '../protocol.js';

/** React Flow's `data` must be a record; these carry what one node or edge draws. */
export type PipelineNodeData = { node: CanvasNode; run?: NodeRunStatus; readOnly: boolean };
export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

/** One drawn edge may stand for several references (`activity.events_30d` and `activity.spend_30d`). */
export type PipelineEdgeData = { refs: CanvasEdge[] };
export type PipelineFlowEdge = Edge<PipelineEdgeData>;

export const IN_HANDLE = 'in';
export const OUT_HANDLE = 'out';
export const outputHandle = (port: string): string => `out:${port}`;
/** `out:model` → `model`; the unnamed handle → undefined. */
export const portOfHandle = (handle: string | null | undefined): string | undefined => (handle?.startsWith('out:') ? handle.slice(4) : undefined);
