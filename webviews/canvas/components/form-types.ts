/** The parts of the property schema the form reads (the host sends the schemas in `init`). */
import type { BlockSpec, CanvasIntent } from '../protocol.js';

export type { CanvasIntent };
export type PropertySpecLike = BlockSpec['properties'][number];
