// chevrotain 13 (used by langium-cli 4.4 at build time) calls Object.groupBy, which Node 20 lacks.
// Only the generator needs this; the generated parser runs on Node 20 unpatched in production mode.
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = function groupBy(items, keyFn) {
    const out = Object.create(null);
    let i = 0;
    for (const item of items) {
      const key = keyFn(item, i++);
      (out[key] ??= []).push(item);
    }
    return out;
  };
}
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = function groupBy(items, keyFn) {
    const out = new Map();
    let i = 0;
    for (const item of items) {
      const key = keyFn(item, i++);
      if (!out.has(key)) out.set(key, []);
      out.get(key).push(item);
    }
    return out;
  };
}
