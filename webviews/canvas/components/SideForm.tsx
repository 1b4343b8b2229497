import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import { useCanvas } from './store-context.js';
import { kindIcon, kindLabel } from './kind-style.js';
import { PropertyField } from './PropertyField.js';

const NO_TARGETS: readonly string[] = [];

/** Properties of the single selected node, generated from its kind's property schema. */
export function SideForm() {
  const node = useCanvas((s) => (s.formOpen && s.selection.length === 1 ? s.graph?.nodes.find((n) => n.id === s.selection[0]) : undefined));
  const schema = useCanvas((s) => (node ? s.schemas[node.specId] : undefined));
  const targets = useCanvas((s) => s.graph?.targets ?? NO_TARGETS);
  const readOnly = useCanvas((s) => s.readOnly || !!s.syntaxError);
  const reveal = useCanvas((s) => s.reveal);
  const deleteSelection = useCanvas((s) => s.deleteSelection);
  const closeForm = useCanvas((s) => s.closeForm);
  if (!node) return null;
  return (
    // nokey: Backspace in a field must not delete the node (React Flow listens on the document).
    <aside className="mp-side nokey" aria-label={`Properties of ${node.id}`} data-testid="side-form">
      <header className="mp-side-header">
        <span className={`codicon codicon-${kindIcon(node.kind, node.stepKind)} mp-node-icon mp-kind-${node.kind}`} aria-hidden="true" />
        <div className="mp-side-title">
          <h2>{node.id}</h2>
          <div className="mp-side-kind">{kindLabel(node)}</div>
        </div>
        <button type="button" className="mp-tool" title="Close the properties" aria-label="Close the properties" onClick={closeForm}>
          <span className="codicon codicon-close" aria-hidden="true" />
        </button>
      </header>
      {node.description ? <p className="mp-side-desc">{node.description}</p> : null}
      <div className="mp-side-actions">
        <VscodeButton secondary onClick={() => reveal(node.id, true)}>Show in text</VscodeButton>
        {readOnly ? null : <VscodeButton secondary onClick={() => deleteSelection([node.id], [])}>Delete</VscodeButton>}
      </div>
      {node.problems.length ? (
        <ul className="mp-side-problems">
          {node.problems.map((p, i) => (
            <li key={i} className={`mp-problem-${p.severity}`}>
              <span className={`codicon codicon-${p.severity}`} aria-hidden="true" /> line {p.line + 1}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {schema ? schema.properties.map((spec) => <PropertyField key={spec.key} node={node} spec={spec} targets={targets} readOnly={readOnly} />) : null}
    </aside>
  );
}
