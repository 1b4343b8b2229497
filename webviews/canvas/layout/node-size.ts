/** Node boxes are sized from their content here, so layout and drawing agree without measuring. */
export const NODE_WIDTH = 220;
const HEADER_HEIGHT = 56;
export const OUTPUT_ROW_HEIGHT = 18;
/** Top of the first output row: border, padding, header and sub line, the outputs' rule (canvas.css). */
export const FIRST_OUTPUT_TOP = 52;

export function nodeHeight(outputs: number): number {
  return HEADER_HEIGHT + (outputs > 0 ? outputs * OUTPUT_ROW_HEIGHT + 6 : 0);
}
