import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CanvasHost } from '../host.js';
import { placeNewNodes } from '../layout/place-new.js';
import { mark } from './timeline.js';
import { sameItems, toFlowEdges, toFlowNodes } from '../flow/to-flow.js';
import { applyGraphPatch } from '../graph-patch.js';
import type { PipelineFlowEdge, PipelineFlowNode } from '../flow/flow-types.js';
import type { BlockSpec, CanvasGraph, CanvasIntent, HostToCanvas, NodeRunStatus, PipelineEdge, Positions, XY } from '../protocol.js';

export interface Notice {
  severity: 'error' | 'info';
  message: string;
  seq: number;
}

export interface CanvasState {
  /** False until the host's `init` arrived (the ready handshake is done). */
  initialised: boolean;
  fileName: string;
  readOnly: boolean;
  schemas: Record<string, BlockSpec>;
  graph: CanvasGraph | null;
  version: number;
  syntaxError?: { message: string; line: number };
  /** Placed by hand (persisted by the host in the layout sidecar). */
  manual: Positions;
  /**
   * Laid out by the host (ELK) or placed next to their inputs; kept for removed nodes so undo puts
   * them back.
   */
  auto: Positions;
  /** Asked the host for a laid-out graph (none yet, or Auto-layout): nothing is drawn until it comes. */
  layingOut: boolean;
  selection: string[];
  /**
   * Whether the side form is open. On a wide canvas it opens when a node is selected on the canvas
   * and then follows the text cursor; selecting from the text alone does not open it (the user is
   * typing there). On a narrow canvas the form would cover the graph, so only "Properties" opens it.
   */
  formOpen: boolean;
  run: Record<string, NodeRunStatus>;
  runId?: string;
  notice?: Notice;
  nodes: PipelineFlowNode[];
  edges: PipelineFlowEdge[];
  /** Bumped to ask the view to fit: `initial` for the first view of a graph (readable), else the whole graph. */
  fitRequest: number;
  fitMode: 'initial' | 'all';
  /** Bumped to ask the view to bring a node into sight (selection from the text). */
  focusRequest: { id: string; seq: number } | null;
  /** When the last gesture was sent and on which version; cleared once the canvas shows its result. */
  pendingGesture?: { at: number; version: number };
}

export interface CanvasActions {
  receive(message: HostToCanvas): void;
  intent(intent: CanvasIntent, at?: XY): void;
  deleteSelection(nodes: string[], edges: PipelineEdge[]): void;
  reveal(id: string, openText: boolean): void;
  onNodesChange(changes: NodeChange<PipelineFlowNode>[]): void;
  dragStopped(moved: { id: string; position: XY }[]): void;
  autoLayout(): void;
  dismissNotice(): void;
  closeForm(): void;
  toggleForm(): void;
  viewportChanged(viewport: Viewport): void;
  /** Called after the browser painted the current nodes: reports first paint and gesture timings. */
  painted(): void;
  /** The handshake: says whether the canvas needs the host to lay the graph out (no saved positions). */
  ready(): void;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export type CanvasStore = StoreApi<CanvasState & CanvasActions>;

const initialState = (auto: Positions): CanvasState => ({
  initialised: false, fileName: '', readOnly: false, schemas: {}, graph: null, version: -1, manual: {}, auto, layingOut: Object.keys(auto).length === 0,
  selection: [], formOpen: false, run: {}, nodes: [], edges: [], fitRequest: 0, fitMode: 'initial', focusRequest: null,
});

/** Below this width (the canvas beside the text) the side form overlays the graph (see canvas.css). */
export const NARROW_QUERY = '(max-width: 760px)';
const isNarrow = (): boolean => typeof matchMedia === 'function' && matchMedia(NARROW_QUERY).matches;

export function createCanvasStore(host: CanvasHost, narrow: () => boolean = isNarrow): CanvasStore {
  const saved = host.savedState();
  let noticeSeq = 0;
  let focusSeq = 0;

  return createStore<CanvasState & CanvasActions>()((set, get) => {
    /** The graph the current edges were made from: edges change only with the graph. */
    let edgesFrom: CanvasGraph | null = null;
    /**
     * Recomputes what React Flow draws from the graph, positions, selection and run status. Unchanged
     * nodes and edges keep their objects, and lists with nothing changed are not set at all: a new
     * array makes React Flow walk every node and edge again (200 nodes: tens of milliseconds).
     */
    const rebuild = (edgesChanged: boolean) => {
      const s = get();
      if (!s.graph) {
        edgesFrom = null;
        return set({ nodes: [], edges: [] });
      }
      const previous = new Map(s.nodes.map((n) => [n.id, n]));
      const selected = new Set(s.selection);
      const nodes = toFlowNodes({ graph: s.graph, positionOf: (id) => s.manual[id] ?? s.auto[id], run: s.run, selected, readOnly: s.readOnly }, previous);
      const update: Partial<CanvasState> = {};
      if (!sameItems(nodes, s.nodes)) update.nodes = nodes;
      if (edgesChanged && edgesFrom !== s.graph) {
        edgesFrom = s.graph;
        const edges = toFlowEdges(s.graph, new Map(s.edges.map((e) => [e.id, e])));
        if (!sameItems(edges, s.edges)) update.edges = edges;
      }
      if (update.nodes || update.edges) set(update);
    };

    let viewport = saved?.viewport;
    let firstPaintReported = false;
    const saveState = () => host.saveState({ auto: get().auto, ...(viewport ? { viewport } : {}) });

    /**
     * Gives every node a position: the host's layout for a graph none of whose nodes has one (the
     * canvas asks for it and draws once it comes), else next to its inputs.
     */
    const ensurePositions = () => {
      const { graph, manual, auto, layingOut } = get();
      if (!graph || layingOut) return;
      const missing = graph.nodes.filter((n) => !manual[n.id] && !auto[n.id]);
      if (missing.length && !graph.nodes.some((n) => auto[n.id])) {
        set({ layingOut: true });
        host.post({ type: 'layout' });
        return;
      }
      if (missing.length) {
        set((s) => ({ auto: { ...s.auto, ...placeNewNodes(graph, { ...s.auto, ...s.manual }) } }));
        saveState();
      }
      rebuild(true);
    };

    /** A layout of the whole graph from the host: replaces the computed positions, then fits the view. */
    const laidOut = (layout: Positions) => {
      mark('layout');
      // The first layout opens readable; Auto-layout afterwards shows everything.
      set((s) => ({ auto: layout, layingOut: false, fitRequest: s.fitRequest + 1, fitMode: s.fitRequest === 0 ? 'initial' : 'all' }));
      saveState();
    };

    const sendGesture = () => {
      mark('gesture-sent');
      set({ pendingGesture: { at: performance.now(), version: get().version } });
    };

    return {
      ...initialState(saved?.auto ?? {}),

      receive(message) {
        switch (message.type) {
          case 'init':
            set({
              initialised: true, fileName: message.fileName, readOnly: message.readOnly, manual: message.positions,
              schemas: Object.fromEntries(message.schemas.map((s) => [s.id, s])),
            });
            ensurePositions();
            return;
          case 'document':
            mark('document');
            if (message.graph !== get().graph) mark('graph');
            // The selection is kept even for ids not in this graph: the text cursor may be in a block
            // the canvas shows only once the text parses again.
            set({ version: message.version, graph: message.graph, syntaxError: message.syntaxError });
            if (message.layout) laidOut(message.layout);
            ensurePositions();
            return;
          case 'documentPatch': {
            mark('document');
            const { graph, version } = get();
            let next: CanvasGraph | undefined;
            try {
              next = graph && version === message.base ? applyGraphPatch(graph, message.patch) : undefined;
            } catch {
              next = undefined;
            }
            // Made for a graph this canvas has not got (never expected: messages arrive in order):
            // start over from the host's full state rather than draw a wrong graph.
            if (!next) return host.post({ type: 'ready' });
            if (next !== graph) mark('graph');
            set({ version: message.version, graph: next, syntaxError: message.syntaxError });
            ensurePositions();
            return;
          }
          case 'positions':
            mark('positions');
            set({ manual: message.positions });
            ensurePositions();
            return;
          case 'select':
            set({ selection: message.id ? [message.id] : [], focusRequest: message.id ? { id: message.id, seq: ++focusSeq } : get().focusRequest });
            rebuild(false);
            return;
          case 'runStatus': {
            const { update } = message;
            set((s) => ({ runId: update.runId, run: update.reset || s.runId !== update.runId ? { ...update.nodes } : { ...s.run, ...update.nodes } }));
            rebuild(false);
            return;
          }
          case 'notice':
            set({ notice: { severity: message.severity, message: message.message, seq: ++noticeSeq }, pendingGesture: undefined });
            return;
          case 'command':
            if (message.command === 'autoLayout') get().autoLayout();
            else set((s) => ({ fitRequest: s.fitRequest + 1, fitMode: 'all' }));
            return;
          default: {
            const unhandled: never = message;
            throw new Error(`unhandled host message ${JSON.stringify(unhandled)}`);
          }
        }
      },

      intent(intent, at) {
        if (get().readOnly) return;
        if (get().syntaxError) {
          set({ notice: { severity: 'info', message: 'Edits from the canvas are paused until the text parses again.', seq: ++noticeSeq } });
          return;
        }
        if (intent.type === 'rename') {
          // Keep the node where it is under its new name.
          set((s) => ({ auto: s.auto[intent.id] ? { ...s.auto, [intent.newName]: s.auto[intent.id] } : s.auto }));
        }
        sendGesture();
        host.post({ type: 'intent', intent, ...(at ? { at } : {}) });
      },

      deleteSelection(nodes, edges) {
        if (get().readOnly || (!nodes.length && !edges.length)) return;
        sendGesture();
        host.post({ type: 'delete', nodes, edges });
      },

      reveal(id, openText) {
        host.post({ type: 'reveal', id, openText });
      },

      onNodesChange(changes) {
        // Removal goes through the text (onBeforeDelete), never straight into the view.
        const kept = changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
        if (!kept.length) return;
        const nodes = applyNodeChanges(kept, get().nodes);
        if (!kept.some((c) => c.type === 'select')) return set({ nodes });
        const selection = nodes.filter((n) => n.selected).map((n) => n.id);
        set({ nodes, selection, formOpen: selection.length === 1 && (get().formOpen || !narrow()) });
      },

      dragStopped(moved) {
        if (!moved.length) return;
        const positions: Positions = {};
        for (const m of moved) positions[m.id] = { x: Math.round(m.position.x), y: Math.round(m.position.y) };
        set((s) => ({ manual: { ...s.manual, ...positions } }));
        rebuild(false);
        if (!get().readOnly) host.post({ type: 'moved', positions });
      },

      autoLayout() {
        set({ manual: {}, auto: {}, layingOut: true });
        if (!get().readOnly) host.post({ type: 'resetLayout' });
        host.post({ type: 'layout' });
      },

      dismissNotice() {
        set({ notice: undefined });
      },

      closeForm() {
        set({ formOpen: false });
      },

      toggleForm() {
        set((s) => ({ formOpen: !s.formOpen }));
      },

      viewportChanged(v) {
        viewport = v;
        saveState();
      },

      ready() {
        mark('ready');
        host.post({ type: 'ready', ...(get().layingOut ? { layout: true } : {}) });
      },

      painted() {
        const { nodes, pendingGesture, version } = get();
        if (!nodes.length) return;
        const now = performance.now();
        if (!firstPaintReported) {
          firstPaintReported = true;
          // performance.now() counts from the webview document's start: bundle load, handshake, model, layout, render.
          document.body.dataset.firstPaintMs = String(Math.round(now));
          host.post({ type: 'timing', name: 'firstPaint', ms: now, nodes: nodes.length });
        }
        if (pendingGesture && pendingGesture.version !== version) {
          const ms = now - pendingGesture.at;
          set({ pendingGesture: undefined });
          document.body.dataset.lastGestureMs = String(Math.round(ms));
          // Two gestures can take the same whole number of ms: the count tells a new one from the last.
          document.body.dataset.gestures = String(Number(document.body.dataset.gestures ?? 0) + 1);
          host.post({ type: 'timing', name: 'gesture', ms, nodes: nodes.length });
        }
      },
    };
  });
}
