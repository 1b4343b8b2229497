import { useReactFlow } from '@xyflow/react';
import { useCanvas } from './store-context.js';

export function Toolbar() {
  const autoLayout = useCanvas((s) => s.autoLayout);
  const name = useCanvas((s) => s.graph?.name ?? s.fileName);
  const layingOut = useCanvas((s) => s.layingOut);
  const oneSelected = useCanvas((s) => s.selection.length === 1);
  const formOpen = useCanvas((s) => s.formOpen);
  const toggleForm = useCanvas((s) => s.toggleForm);
  const { fitView } = useReactFlow();
  return (
    <div className="mp-toolbar nokey">
      <span className="mp-toolbar-title" title={name}>{name}</span>
      {layingOut ? <span className="mp-toolbar-status">Laying out…</span> : null}
      <button type="button" className="mp-tool" title="Properties of the selected node" aria-pressed={formOpen} disabled={!oneSelected} onClick={toggleForm}>
        <span className="codicon codicon-symbol-property" aria-hidden="true" /><span className="mp-tool-label">Properties</span>
      </button>
      <button type="button" className="mp-tool" title="Auto-layout: lay out every node again (forgets hand-placed positions)" onClick={autoLayout}>
        <span className="codicon codicon-type-hierarchy-sub" aria-hidden="true" /><span className="mp-tool-label">Auto-layout</span>
      </button>
      <button type="button" className="mp-tool" title="Fit view: the whole pipeline in view" onClick={() => void fitView({ padding: 0.1, duration: 200 })}>
        <span className="codicon codicon-screen-full" aria-hidden="true" /><span className="mp-tool-label">Fit view</span>
      </button>
    </div>
  );
}
