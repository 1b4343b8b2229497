/**
 * Checks that a message received over postMessage has the shape its type says. A webview is a web
 * page: the host never trusts its messages blindly, and the canvas ignores anything malformed.
 */
import { RUN_STATES, type CanvasIntent, type CanvasToHost, type HostToCanvas, type PipelineEdge, type Positions, type XY } from './protocol.js';

type Obj = Record<string, unknown>;

const NODE_KINDS = ['source', 'features', 'training_set', 'step', 'model', 'deploy', 'monitor'];
const EDGE_ROLES = ['input', 'from', 'labels', 'feature', 'model', 'data', 'evaluation', 'reference', 'current', 'retrain'];
const COMPARE_OPS = ['>=', '<=', '==', '!=', '>', '<'];

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isOptStr = (x: unknown): boolean => x === undefined || isStr(x);
const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const oneOf = (x: unknown, values: readonly string[]): boolean => isStr(x) && values.includes(x);

export const isXY = (x: unknown): x is XY => isObj(x) && isNum(x.x) && isNum(x.y);
export const isPositions = (x: unknown): x is Positions => isObj(x) && Object.values(x).every(isXY);

export function isEdge(x: unknown): x is PipelineEdge {
  return isObj(x) && isStr(x.from) && isStr(x.to) && isOptStr(x.fromPort) && oneOf(x.role, EDGE_ROLES);
}

function isModelValue(x: unknown, depth = 0): boolean {
  if (!isObj(x) || depth > 20) return false;
  switch (x.type) {
    case 'string': case 'text': return isStr(x.value);
    case 'number': return isNum(x.value);
    case 'bool': return typeof x.value === 'boolean';
    case 'duration': return isStr(x.text) && isNum(x.ms);
    case 'size': return isStr(x.text) && isNum(x.bytes);
    case 'ref': return isStrArray(x.path) && isOptStr(x.alias) && (x.wildcard === undefined || typeof x.wildcard === 'boolean');
    case 'list': return Array.isArray(x.items) && x.items.every((i) => isModelValue(i, depth + 1));
    case 'map': return Array.isArray(x.entries) && x.entries.every((e) => isObj(e) && isStr(e.key) && isModelValue(e.value, depth + 1));
    case 'comparison': return oneOf(x.op, COMPARE_OPS) && isModelValue(x.left, depth + 1) && isModelValue(x.right, depth + 1);
    default: return false;
  }
}

export function isIntent(x: unknown): x is CanvasIntent {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'addNode': return oneOf(x.kind, NODE_KINDS) && isOptStr(x.stepKind) && isOptStr(x.name);
    case 'connect': return isStr(x.from) && isOptStr(x.fromPort) && isStr(x.to) && isOptStr(x.toProperty);
    case 'disconnect': return isEdge(x.edge);
    case 'deleteNode': return isStr(x.id);
    case 'setProperty': return isStr(x.id) && isStr(x.key) && (x.value === null || isModelValue(x.value));
    case 'setPropertyText': return isStr(x.id) && isStr(x.key) && isStr(x.text);
    case 'rename': return isStr(x.id) && isStr(x.newName);
    default: return false;
  }
}

/** The host's check of what the canvas sends. */
export function isCanvasToHost(x: unknown): x is CanvasToHost {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready': return x.layout === undefined || typeof x.layout === 'boolean';
    case 'resetLayout': case 'layout': return true;
    case 'intent': return isIntent(x.intent) && (x.at === undefined || isXY(x.at));
    case 'delete': return isStrArray(x.nodes) && Array.isArray(x.edges) && x.edges.every(isEdge);
    case 'reveal': return isStr(x.id) && typeof x.openText === 'boolean';
    case 'moved': return isPositions(x.positions);
    case 'timing': return oneOf(x.name, ['firstPaint', 'gesture']) && isNum(x.ms) && isNum(x.nodes);
    default: return false;
  }
}

function isRunStatusUpdate(x: unknown): boolean {
  return isObj(x) && isStr(x.runId) && (x.reset === undefined || typeof x.reset === 'boolean') && isObj(x.nodes)
    && Object.values(x.nodes).every((s) => isObj(s) && oneOf(s.state, RUN_STATES) && (s.durationMs === undefined || isNum(s.durationMs)) && isOptStr(s.message));
}

const isSyntaxError = (x: unknown): boolean => x === undefined || (isObj(x) && isStr(x.message) && isNum(x.line));

/** Shallow like the graph of `document`, but every list and id is checked: applying it indexes by them. */
function isGraphPatch(x: unknown): boolean {
  const withIds = (l: unknown): boolean => Array.isArray(l) && l.every((i) => isObj(i) && isStr(i.id));
  return isObj(x) && withIds(x.nodes) && withIds(x.edges) && isStrArray(x.removedNodes) && isStrArray(x.removedEdges)
    && (x.nodeOrder === undefined || isStrArray(x.nodeOrder)) && (x.edgeOrder === undefined || isStrArray(x.edgeOrder))
    && isOptStr(x.name) && (x.targets === undefined || isStrArray(x.targets));
}

/**
 * The canvas's check of what the host sends. Shallow for the graph (the host built it from the
 * language server's model); strict for the small messages.
 */
export function isHostToCanvas(x: unknown): x is HostToCanvas {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'init': return isStr(x.fileName) && Array.isArray(x.schemas) && isPositions(x.positions) && typeof x.readOnly === 'boolean';
    case 'document': return isNum(x.version) && (x.graph === null || (isObj(x.graph) && Array.isArray(x.graph.nodes) && Array.isArray(x.graph.edges)))
      && isSyntaxError(x.syntaxError) && (x.layout === undefined || isPositions(x.layout));
    case 'documentPatch': return isNum(x.version) && isNum(x.base) && isGraphPatch(x.patch) && isSyntaxError(x.syntaxError);
    case 'positions': return isPositions(x.positions);
    case 'select': return x.id === null || isStr(x.id);
    case 'runStatus': return isRunStatusUpdate(x.update);
    case 'notice': return oneOf(x.severity, ['error', 'info']) && isStr(x.message);
    case 'command': return oneOf(x.command, ['autoLayout', 'fitView']);
    default: return false;
  }
}
