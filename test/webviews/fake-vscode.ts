// The host, faked at the boundary: the webview's `acquireVsCodeApi()` object and window messages.
import { act } from '@testing-library/react';
import { vscodeHost, type CanvasHost, type VsCodeApi } from '../../webviews/canvas/host.js';
import type { CanvasToHost, HostToCanvas } from '../../webviews/canvas/protocol.js';

export interface FakeVsCode {
  host: CanvasHost;
  posted: CanvasToHost[];
  /** Delivers a message as VS Code would (a window `message` event), inside React's act(). */
  send(message: HostToCanvas | Record<string, unknown>): Promise<void>;
  /** The messages of one type the canvas posted so far. */
  sent<T extends CanvasToHost['type']>(type: T): Extract<CanvasToHost, { type: T }>[];
  state(): unknown;
}

export function fakeVsCode(initialState?: unknown): FakeVsCode {
  const posted: CanvasToHost[] = [];
  let state = initialState;
  const api: VsCodeApi = {
    postMessage: (m) => posted.push(m as CanvasToHost),
    getState: () => state,
    setState: (s) => { state = s; },
  };
  return {
    host: vscodeHost(api),
    posted,
    send: async (data) => {
      await act(async () => {
        window.dispatchEvent(new MessageEvent('message', { data }));
      });
    },
    sent: <T extends CanvasToHost['type']>(type: T) => posted.filter((m): m is Extract<CanvasToHost, { type: T }> => m.type === type),
    state: () => state,
  };
}
