import type { DragEvent } from 'react';
import { kindIcon } from './kind-style.js';
import { PALETTE, PALETTE_MIME, type PaletteItem } from './palette-items.js';
import { useCanvas } from './store-context.js';

/** Block kinds to drag onto the canvas (or click/Enter: added in the middle of the view). */
export function Palette({ onAdd }: { onAdd: (item: PaletteItem) => void }) {
  const schemas = useCanvas((s) => s.schemas);
  const onDragStart = (e: DragEvent<HTMLDivElement>, item: PaletteItem) => {
    e.dataTransfer.setData(PALETTE_MIME, JSON.stringify({ kind: item.kind, stepKind: item.stepKind }));
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <nav className="mp-palette nokey" aria-label="Blocks">
      <div className="mp-palette-title">Add</div>
      {PALETTE.map((item) => (
        <div key={item.specId} className={`mp-palette-item mp-kind-${item.kind}`} data-testid={`palette-${item.specId.replace(':', '-')}`}
          draggable role="button" tabIndex={0} aria-label={item.label} title={`${item.label}: ${schemas[item.specId]?.doc ?? ''}`}
          onDragStart={(e) => onDragStart(e, item)}
          onClick={() => onAdd(item)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              onAdd(item);
            }
          }}>
          <span className={`codicon codicon-${kindIcon(item.kind, item.stepKind)} mp-node-icon`} aria-hidden="true" />
          <span className="mp-palette-label">{item.label}</span>
        </div>
      ))}
    </nav>
  );
}
