import { Position, type NodeHandle } from '@xyflow/react';
import { hasOutput } from '../components/kind-style.js';
import { FIRST_OUTPUT_TOP, NODE_WIDTH, nodeHeight, OUTPUT_ROW_HEIGHT } from '../layout/node-size.js';
import type { CanvasNode } from '../protocol.js';
import { IN_HANDLE, OUT_HANDLE, outputHandle } from './flow-types.js';

/** `.react-flow__handle` in canvas.css: 9 px and a 1 px border each side, centred on the node's edge. */
const HANDLE = 11;

/**
 * Where PipelineNodeView's handles are, computed instead of measured. React Flow renders every node
 * once to measure its handles unless they are given; with them it draws only the nodes in view
 * (`onlyRenderVisibleElements`) and edges between nodes it has not drawn. Drawn nodes are still
 * measured, so a mismatch would only misplace edge ends of off-screen nodes (a test compares).
 */
export function nodeHandles(node: Pick<CanvasNode, 'kind' | 'outputs'>): NodeHandle[] {
  const height = nodeHeight(node.outputs.length);
  const handles: NodeHandle[] = [
    { id: IN_HANDLE, type: 'target', position: Position.Left, x: -HANDLE / 2, y: height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE },
  ];
  const right = NODE_WIDTH - HANDLE / 2;
  if (node.outputs.length) {
    node.outputs.forEach((o, i) => handles.push({
      id: outputHandle(o), type: 'source', position: Position.Right,
      x: right, y: FIRST_OUTPUT_TOP + i * OUTPUT_ROW_HEIGHT + OUTPUT_ROW_HEIGHT / 2 - HANDLE / 2, width: HANDLE, height: HANDLE,
    }));
  } else if (hasOutput(node.kind)) {
    handles.push({ id: OUT_HANDLE, type: 'source', position: Position.Right, x: right, y: height / 2 - HANDLE / 2, width: HANDLE, height: HANDLE });
  }
  return handles;
}
