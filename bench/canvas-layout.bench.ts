// ELK option sets on the 500-node benchmark pipeline: time and readability of each (crossings and
// edges over nodes as React Flow draws them, size, text order). How the canvas's big-graph options
// were chosen (webviews/canvas/layout/elk-layout.ts). Run: npm run bench -- canvas-layout
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutOptionsFor } from '../webviews/canvas/layout/elk-layout.js';
import { NODE_WIDTH, nodeHeight } from '../webviews/canvas/layout/node-size.js';
import type { CanvasGraph, Positions } from '../webviews/canvas/protocol.js';
import { canvasGraphOf } from '../test/webviews/browser/canvas-fixture.js';
import { pipelineWithNodes } from './canvas-fixture.js';
import { layoutQuality } from './layout-quality.js';
import { median, report, timeMany } from './stats.js';

const nodes = Number(process.argv[process.argv.indexOf('--nodes') + 1]) || 500;
const graph = await canvasGraphOf(pipelineWithNodes(nodes));
const elk = new ELK();
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

async function layout(g: Pick<CanvasGraph, 'nodes' | 'edges'>, options: Record<string, string>): Promise<Positions> {
  const laid = await elk.layout({
    id: '__root', layoutOptions: options,
    children: g.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: nodeHeight(n.outputs.length) })),
    edges: g.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  });
  const p: Positions = {};
  for (const c of laid.children ?? []) p[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return p;
}

const current = layoutOptionsFor(graph.nodes.length);
const base = { ...current };
delete base['elk.layered.thoroughness'];
const sets: Record<string, Record<string, string>> = {
  current,
  // `--opt key=value,key=value` (repeatable): the current options with these changed.
  ...Object.fromEntries(process.argv.flatMap((a, i) => (process.argv[i - 1] === '--opt' ? [a] : [])).map((a) => {
    const extra = Object.fromEntries(a.split(',').map((kv) => kv.split('=') as [string, string]));
    return [a, { ...current, ...extra }];
  })),
};
await timeMany(3, () => layout(graph, current)); // ELK's class initialisation and JIT
for (const [name, options] of Object.entries(sets)) {
  const p = await layout(graph, options);
  // CPU time as well as wall time: on a loaded machine the wall time mostly measures the others.
  const cpu: number[] = [];
  const refCpu: number[] = [];
  const times: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [opts, wall, cpus] of [[options, times, cpu], [current, ref, refCpu]] as const) {
      const c = process.cpuUsage();
      const t = performance.now();
      await layout(graph, opts);
      wall.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpus.push((d.user + d.system) / 1000);
    }
  }
  report({
    bench: 'canvas-layout', metric: `ELK ${name}, ${graph.nodes.length} nodes`, unit: 'ms', value: median(times), cpuMs: Math.round(median(cpu)), referenceCpuMs: Math.round(median(refCpu)),
    quality: layoutQuality(graph, p), reference: { what: 'the current options in the same run', value: median(ref) },
  });
}
void base;
