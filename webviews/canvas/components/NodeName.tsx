import { useState, type KeyboardEvent } from 'react';
import { useCanvas } from './store-context.js';

/** The node's name; double-click renames it everywhere through the language server. */
export function NodeName({ id, readOnly }: { id: string; readOnly: boolean }) {
  const [editing, setEditing] = useState(false);
  const intent = useCanvas((s) => s.intent);
  if (!editing) {
    return (
      <span className="mp-node-name" title={readOnly ? id : `${id} (double-click to rename)`}
        onDoubleClick={(e) => {
          if (readOnly) return;
          e.stopPropagation();
          setEditing(true);
        }}>
        {id}
      </span>
    );
  }
  const commit = (value: string) => {
    setEditing(false);
    const newName = value.trim();
    if (newName && newName !== id) intent({ type: 'rename', id, newName });
  };
  return (
    // nodrag/nokey: typing and selecting text here must not drag the node or delete it.
    <input className="mp-rename nodrag nokey" aria-label={`Rename ${id}`} defaultValue={id} autoFocus spellCheck={false}
      onFocus={(e) => e.currentTarget.select()}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        e.stopPropagation();
        if (e.key === 'Enter') commit(e.currentTarget.value);
        else if (e.key === 'Escape') setEditing(false);
      }}
      onBlur={(e) => commit(e.currentTarget.value)} />
  );
}
