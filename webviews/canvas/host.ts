import type { CanvasToHost, HostToCanvas, Positions } from './protocol.js';
import { isHostToCanvas, isPositions } from './protocol-guards.js';

/** The canvas's only door to the extension: typed messages out, checked messages in. */
export interface CanvasHost {
  post(message: CanvasToHost): void;
  /** Calls `listener` with each well-formed host message; returns a function that stops listening. */
  listen(listener: (message: HostToCanvas) => void): () => void;
  /** What the canvas keeps while its tab is hidden (VS Code discards hidden webviews). */
  savedState(): SavedState | undefined;
  saveState(state: SavedState): void;
}

export interface SavedState {
  auto: Positions;
  viewport?: { x: number; y: number; zoom: number };
}

/** The object `acquireVsCodeApi()` returns inside a webview. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function vscodeHost(api: VsCodeApi, target: Window = window): CanvasHost {
  return {
    post: (message) => api.postMessage(message),
    listen(listener) {
      const onMessage = (e: MessageEvent<unknown>) => {
        if (isHostToCanvas(e.data)) listener(e.data);
        else console.warn('MLPipe canvas: ignored a malformed message', e.data);
      };
      target.addEventListener('message', onMessage);
      return () => target.removeEventListener('message', onMessage);
    },
    savedState() {
      const s = api.getState();
      if (typeof s !== 'object' || s === null || !isPositions((s as { auto?: unknown }).auto)) return undefined;
      return s as SavedState;
    },
    saveState: (state) => api.setState(state),
  };
}
