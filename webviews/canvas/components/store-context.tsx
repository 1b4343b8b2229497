import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { CanvasActions, CanvasState, CanvasStore } from '../state/canvas-store.js';

export const StoreContext = createContext<CanvasStore | null>(null);

/** Reads one slice of the canvas store; components re-render only when their slice changes. */
export function useCanvas<T>(selector: (s: CanvasState & CanvasActions) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useCanvas outside <StoreContext.Provider>');
  return useStore(store, selector);
}
