import { LAYOUT_SUFFIX } from './canvas/layout-format.js';

/**
 * Whether a file change under the data glob can change what a pipeline's data checks see. The
 * canvas's own position sidecars (`*.mlpipe.layout.json`) and the run store under `.mlpipe/` match
 * the glob too, but are written by MLPipe itself: every canvas gesture and every metric line of a run
 * would otherwise re-run every open pipeline's checks and republish its diagnostics.
 */
export function countsAsDataChange(path: string): boolean {
  return !path.endsWith(`.mlpipe${LAYOUT_SUFFIX}`) && !/(^|[\\/])\.mlpipe[\\/]/.test(path);
}
