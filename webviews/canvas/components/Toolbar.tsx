import { useReactFlow } from '@xyflow/react';
import { useCanvas } from './store-context.js';

export function Toolbar() {
  const autoLayout = useCanvas((s) => s.autoLayout);
  const name = useCanvas((s) => s.graph?.name ?? s.fileName);
  const layingOut = useCanvas((s) => s.layingOut);
  const { fitView } = useReactFlow();
  return (
    <div className="mp-toolbar nokey">
      <span className="mp-toolbar-title" title={name}>{name}</span>
      {layingOut ? <span className="mp-toolbar-status">Laying out…</span> : null}
      <button type="button" className="mp-tool" title="Lay out every node again (forgets hand-placed positions)" onClick={autoLayout}>
        <span className="codicon codicon-type-hierarchy-sub" aria-hidden="true" /> Auto-layout
      </button>
      <button type="button" className="mp-tool" title="Fit the whole pipeline in view" onClick={() => void fitView({ padding: 0.1, duration: 200 })}>
        <span className="codicon codicon-screen-full" aria-hidden="true" /> Fit view
      </button>
    </div>
  );
}
