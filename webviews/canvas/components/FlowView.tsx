import {
  Background, Controls, ReactFlow, useNodesInitialized, useReactFlow, type Connection, type Edge, type NodeTypes, type OnBeforeDelete,
} from '@xyflow/react';
import { useCallback, useEffect, useRef, type DragEvent } from 'react';
import { portOfHandle, type PipelineFlowEdge, type PipelineFlowNode } from '../flow/flow-types.js';
import { initialViewport } from '../layout/initial-view.js';
import { NODE_WIDTH, nodeHeight } from '../layout/node-size.js';
import type { CanvasHost } from '../host.js';
import { PipelineMiniMap } from './PipelineMiniMap.js';
import { PipelineNodeView } from './PipelineNodeView.js';
import { PALETTE_MIME, parsePaletteDrop } from './palette-items.js';
import { afterNextPaint } from '../state/after-next-paint.js';
import { useCanvas } from './store-context.js';

// Defined once, outside any component: a new object per render would remount every node.
const nodeTypes: NodeTypes = { pipeline: PipelineNodeView };
const DELETE_KEYS = ['Delete', 'Backspace'];
const FIT = { padding: 0.1 };
/**
 * From this many nodes on, React Flow draws only the nodes and edges in view: 500 nodes take seconds
 * to mount, the ones in view milliseconds (node sizes and handles are given, so nothing needs
 * measuring). Small pipelines keep every node in the page.
 */
const VIRTUALISE_FROM = 100;

export function FlowView({ host }: { host: CanvasHost }) {
  const nodes = useCanvas((s) => s.nodes);
  const edges = useCanvas((s) => s.edges);
  const readOnly = useCanvas((s) => s.readOnly);
  const onNodesChange = useCanvas((s) => s.onNodesChange);
  const intent = useCanvas((s) => s.intent);
  const deleteSelection = useCanvas((s) => s.deleteSelection);
  const reveal = useCanvas((s) => s.reveal);
  const dragStopped = useCanvas((s) => s.dragStopped);
  const viewportChanged = useCanvas((s) => s.viewportChanged);
  const painted = useCanvas((s) => s.painted);
  const { screenToFlowPosition } = useReactFlow();
  useFitRequests();
  useFocusRequests();

  // After the browser has painted a new set of nodes: timings for the benchmarks.
  useEffect(() => afterNextPaint(painted), [nodes, painted]);

  const onConnect = useCallback((c: Connection) => {
    intent({ type: 'connect', from: c.source, fromPort: portOfHandle(c.sourceHandle), to: c.target });
  }, [intent]);

  // The text decides what exists: send the deletion as intents and let the new graph come back.
  const onBeforeDelete: OnBeforeDelete<PipelineFlowNode, PipelineFlowEdge> = useCallback(async ({ nodes: ns, edges: es }) => {
    deleteSelection(ns.map((n) => n.id), es.flatMap((e) => e.data?.refs ?? []));
    return false;
  }, [deleteSelection]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback((e: DragEvent) => {
    const item = parsePaletteDrop(e.dataTransfer.getData(PALETTE_MIME));
    if (!item) return;
    e.preventDefault();
    const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
    // Centre the new node under the pointer.
    intent({ type: 'addNode', kind: item.kind, ...(item.stepKind ? { stepKind: item.stepKind } : {}) },
      { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - nodeHeight(0) / 2) });
  }, [intent, screenToFlowPosition]);

  const saved = host.savedState()?.viewport;
  return (
    <ReactFlow<PipelineFlowNode, PipelineFlowEdge>
      nodes={nodes} edges={edges} nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onConnect={onConnect}
      isValidConnection={(c: Connection | Edge) => c.source !== c.target}
      onBeforeDelete={onBeforeDelete}
      onNodeClick={(_, n) => reveal(n.id, false)}
      onNodeDragStop={(_, __, moved) => dragStopped(moved.map((n) => ({ id: n.id, position: n.position })))}
      onMoveEnd={(_, v) => viewportChanged(v)}
      onDragOver={onDragOver} onDrop={onDrop}
      deleteKeyCode={readOnly ? null : DELETE_KEYS}
      nodesConnectable={!readOnly}
      zoomOnDoubleClick={false}
      minZoom={0.05}
      onlyRenderVisibleElements={nodes.length >= VIRTUALISE_FROM}
      {...(saved ? { defaultViewport: saved } : {})}
    >
      <Background gap={24} size={1} />
      <PipelineMiniMap nodes={nodes} />
      <Controls showInteractive={false} fitViewOptions={FIT} />
    </ReactFlow>
  );
}

/** Fits the view when the store asks (first layout, Auto-layout, command), once nodes have been measured. */
function useFitRequests(): void {
  const fitRequest = useCanvas((s) => s.fitRequest);
  const fitMode = useCanvas((s) => s.fitMode);
  const initialised = useNodesInitialized();
  const { fitView, getNodes, setViewport } = useReactFlow();
  const handled = useRef(0);
  useEffect(() => {
    if (fitRequest === handled.current || !initialised) return;
    handled.current = fitRequest;
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    if (fitMode === 'all' || !pane) {
      void fitView(FIT);
      return;
    }
    const boxes = getNodes().map((n) => ({ ...n.position, width: n.width ?? NODE_WIDTH, height: n.height ?? nodeHeight(0) }));
    void setViewport(initialViewport(boxes, pane));
  }, [fitRequest, fitMode, initialised, fitView, getNodes, setViewport]);
}

/** Brings a node selected from the text into view, without changing the zoom. */
function useFocusRequests(): void {
  const focus = useCanvas((s) => s.focusRequest);
  const { getNode, getViewport, setCenter } = useReactFlow();
  useEffect(() => {
    if (!focus) return;
    const node = getNode(focus.id);
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    if (!node || !pane) return;
    const { x, y, zoom } = getViewport();
    const w = node.width ?? NODE_WIDTH;
    const h = node.height ?? nodeHeight(0);
    const left = node.position.x * zoom + x;
    const top = node.position.y * zoom + y;
    const visible = left >= 0 && top >= 0 && left + w * zoom <= pane.width && top + h * zoom <= pane.height;
    if (!visible) void setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom, duration: 200 });
  }, [focus, getNode, getViewport, setCenter]);
}
