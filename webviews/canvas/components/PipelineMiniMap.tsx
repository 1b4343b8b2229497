import { Panel, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { XYMinimap, getBoundsOfRects, type Rect, type XYMinimapInstance } from '@xyflow/system';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { PipelineFlowNode } from '../flow/flow-types.js';
import { NODE_WIDTH, nodeHeight } from '../layout/node-size.js';

/** React Flow's MiniMap defaults: size in pixels, and the margin around the drawing in minimap pixels. */
const WIDTH = 200;
const HEIGHT = 150;
const MARGIN = 5;

interface View {
  /** The part of the flow the canvas shows. */
  view: Rect;
  flowWidth: number;
  flowHeight: number;
  panZoom: ReactFlowState['panZoom'];
  translateExtent: ReactFlowState['translateExtent'];
}

const viewOf = (s: ReactFlowState): View => ({
  view: { x: -s.transform[0] / s.transform[2], y: -s.transform[1] / s.transform[2], width: s.width / s.transform[2], height: s.height / s.transform[2] },
  flowWidth: s.width, flowHeight: s.height, panZoom: s.panZoom, translateExtent: s.translateExtent,
});

const sameView = (a: View, b: View): boolean => a.view.x === b.view.x && a.view.y === b.view.y && a.view.width === b.view.width
  && a.view.height === b.view.height && a.flowWidth === b.flowWidth && a.flowHeight === b.flowHeight && a.panZoom === b.panZoom
  && a.translateExtent === b.translateExtent;

/**
 * The minimap, pannable and zoomable like React Flow's own (the same XYMinimap underneath), drawn from
 * the canvas's node list as one path per node kind. React Flow's MiniMap subscribes one store selector
 * per node, so every change to its store (a node added, measured, moved) ran hundreds of selectors:
 * about a third of the webview's work to draw one new node on a 200-node pipeline. This one redraws
 * the nodes only when the node list changes, and otherwise only the viewport frame.
 */
export const PipelineMiniMap = memo(function PipelineMiniMap({ nodes }: { nodes: readonly PipelineFlowNode[] }) {
  const store = useStoreApi();
  const svg = useRef<SVGSVGElement>(null);
  const minimap = useRef<XYMinimapInstance | undefined>(undefined);
  const { view, flowWidth, flowHeight, panZoom, translateExtent } = useStore(viewOf, sameView);
  const { shapes, bounds } = useMemo(() => shapesOf(nodes), [nodes]);

  const box = bounds ? getBoundsOfRects(bounds, view) : view;
  const scale = Math.max(box.width / WIDTH, box.height / HEIGHT);
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  const width = scale * WIDTH + 2 * MARGIN * scale;
  const height = scale * HEIGHT + 2 * MARGIN * scale;
  const x = box.x - (scale * WIDTH - box.width) / 2 - MARGIN * scale;
  const y = box.y - (scale * HEIGHT - box.height) / 2 - MARGIN * scale;

  useEffect(() => {
    const zoom = store.getState().panZoom;
    if (!svg.current || !zoom) return;
    minimap.current = XYMinimap({ domNode: svg.current, panZoom: zoom, getTransform: () => store.getState().transform, getViewScale: () => scaleRef.current });
    return () => minimap.current?.destroy();
  }, [panZoom, store]);
  useEffect(() => {
    minimap.current?.update({ translateExtent, width: flowWidth, height: flowHeight, pannable: true, zoomable: true, inversePan: false, zoomStep: 1 });
  }, [translateExtent, flowWidth, flowHeight, panZoom]);

  return (
    <Panel position="bottom-right" className="react-flow__minimap" data-testid="rf__minimap">
      <svg ref={svg} width={WIDTH} height={HEIGHT} viewBox={`${x} ${y} ${width} ${height}`} className="react-flow__minimap-svg" role="img" aria-label="Mini map">
        {shapes.map(({ kind, d }) => <path key={kind} className={`mp-minimap-node mp-kind-${kind}`} d={d} />)}
        <path className="react-flow__minimap-mask" fillRule="evenodd" pointerEvents="none"
          d={`M${x - MARGIN * scale},${y - MARGIN * scale}h${width + 2 * MARGIN * scale}v${height + 2 * MARGIN * scale}h${-width - 2 * MARGIN * scale}z M${view.x},${view.y}h${view.width}v${view.height}h${-view.width}z`} />
      </svg>
    </Panel>
  );
});

/** One path per kind (rectangles of its nodes), and the box around all nodes. */
export function shapesOf(nodes: readonly PipelineFlowNode[]): { shapes: { kind: string; d: string }[]; bounds: Rect | undefined } {
  const byKind = new Map<string, string[]>();
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of nodes) {
    const w = n.width ?? NODE_WIDTH;
    const h = n.height ?? nodeHeight(0);
    const { x, y } = n.position;
    const kind = n.data.node.kind;
    const list = byKind.get(kind) ?? [];
    if (!list.length) byKind.set(kind, list);
    list.push(`M${x},${y}h${w}v${h}h${-w}z`);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  }
  return {
    shapes: [...byKind].map(([kind, parts]) => ({ kind, d: parts.join('') })),
    bounds: nodes.length ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined,
  };
}
