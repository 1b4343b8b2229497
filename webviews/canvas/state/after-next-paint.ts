/**
 * Calls `done` once the browser has painted the next frame; returns a cancel function. A frame
 * callback runs just before the frame's style, layout and paint; a message posted from it is handled
 * as the next task, after that paint (the usual "after next paint" measure). Waiting for a second
 * frame callback instead would add up to a whole frame of idle time to every timing.
 */
export function afterNextPaint(done: () => void): () => void {
  let cancelled = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    if (!cancelled) done();
  };
  const frame = requestAnimationFrame(() => channel.port2.postMessage(null));
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
    channel.port1.close();
  };
}
