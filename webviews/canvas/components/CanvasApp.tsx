import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import type { CanvasHost } from '../host.js';
import { NODE_WIDTH, nodeHeight } from '../layout/node-size.js';
import { createCanvasStore } from '../state/canvas-store.js';
import { Banner } from './Banner.js';
import { FlowView } from './FlowView.js';
import { NoticeToast } from './NoticeToast.js';
import { Palette } from './Palette.js';
import type { PaletteItem } from './palette-items.js';
import { SideForm } from './SideForm.js';
import { StoreContext, useCanvas } from './store-context.js';
import { Toolbar } from './Toolbar.js';

/** The whole canvas: connects the store to the host, then lays out palette, graph and side form. */
export function CanvasApp({ host }: { host: CanvasHost }) {
  const store = useMemo(() => createCanvasStore(host), [host]);
  useEffect(() => {
    const stop = host.listen((m) => store.getState().receive(m));
    // The handshake: the host sends nothing before this, so no message is lost while React starts.
    store.getState().ready();
    return stop;
  }, [host, store]);
  return (
    <StoreContext.Provider value={store}>
      <ReactFlowProvider>
        <Layout host={host} />
      </ReactFlowProvider>
    </StoreContext.Provider>
  );
}

function Layout({ host }: { host: CanvasHost }) {
  const initialised = useCanvas((s) => s.initialised);
  const readOnly = useCanvas((s) => s.readOnly);
  const empty = useCanvas((s) => s.graph !== null && s.graph.nodes.length === 0);
  const intent = useCanvas((s) => s.intent);
  const { screenToFlowPosition } = useReactFlow();
  const addInView = (item: PaletteItem) => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const centre = pane ? screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
    intent({ type: 'addNode', kind: item.kind, ...(item.stepKind ? { stepKind: item.stepKind } : {}) },
      { x: Math.round(centre.x - NODE_WIDTH / 2), y: Math.round(centre.y - nodeHeight(0) / 2) });
  };
  if (!initialised) return <div className="mp-loading">Loading the pipeline…</div>;
  return (
    <div className="mp-app">
      {readOnly ? null : <Palette onAdd={addInView} />}
      <main className="mp-main">
        <Toolbar />
        <Banner />
        <div className="mp-flow" data-testid="canvas">
          <FlowView host={host} />
          {empty ? <div className="mp-empty">Drag a block from the palette to start the pipeline.</div> : null}
          <NoticeToast />
        </div>
      </main>
      <SideForm />
    </div>
  );
}
