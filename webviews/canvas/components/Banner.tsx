import { useCanvas } from './store-context.js';

/** Says why the canvas may not match the text: it keeps the last graph that parsed. */
export function Banner() {
  const syntaxError = useCanvas((s) => s.syntaxError);
  const hasGraph = useCanvas((s) => s.graph !== null);
  if (!syntaxError) return null;
  const where = `line ${syntaxError.line + 1}: ${syntaxError.message}`;
  return (
    <div className="mp-banner" role="status" data-testid="syntax-banner">
      <span className="codicon codicon-warning" aria-hidden="true" />
      {hasGraph
        ? <span>The text has a syntax error ({where}). Showing the last valid graph; canvas edits are paused until the text parses.</span>
        : <span>The text does not parse yet ({where}). The canvas shows the pipeline once it does.</span>}
    </div>
  );
}
