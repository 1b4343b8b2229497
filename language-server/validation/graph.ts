/** One cycle per strongly connected component (Tarjan), in the order of a path through it. */
export function findCycles(model: { nodes: { id: string }[]; edges: { from: string; to: string }[] }): string[][] {
  const succ = new Map<string, string[]>(model.nodes.map((n) => [n.id, []]));
  for (const e of model.edges) succ.get(e.from)?.push(e.to);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(orderCycle(comp, succ));
    }
  };
  for (const n of succ.keys()) if (!idx.has(n)) strong(n);
  return cycles;
}

/** Members of a strongly connected component in the order of one cycle through them. */
function orderCycle(comp: string[], succ: Map<string, string[]>): string[] {
  const inComp = new Set(comp);
  const start = [...comp].sort()[0];
  const path = [start];
  const seen = new Set([start]);
  for (;;) {
    const next = (succ.get(path[path.length - 1]) ?? []).find((w) => inComp.has(w) && !seen.has(w));
    if (!next) break;
    path.push(next);
    seen.add(next);
  }
  return path;
}
