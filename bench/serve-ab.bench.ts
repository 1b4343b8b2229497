// A/B of two builds of `mlpipe serve`: the server's CPU per request is what a change to the request path
// moves, and on a shared 2-core machine the load of the moment moves it more than most changes do. Both
// servers run side by side and take turns under the same load (bench/http-load.ts) in short rounds, so
// both see the same machine; each side's CPU (from /proc) is summed over its rounds.
//   npm run bench -- serve-ab --old /path/to/other/checkout/bin/mlpipe.cjs [--rounds 16]
// (the other checkout built with `npm run build`; its node_modules may be a link to this one's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { postLoad } from './http-load.js';
import { processCpuMs, serveFixture, startServer } from './serve-fixture.js';

const { values } = parseArgs({ options: { old: { type: 'string' }, rounds: { type: 'string', default: '16' } } });
if (!values.old) throw new Error('usage: npm run bench -- serve-ab --old OTHER_CHECKOUT/bin/mlpipe.cjs [--rounds 16]');
const rounds = Number(values.rounds);
const root = mkdtempSync(join(tmpdir(), 'mlpipe-bench-serve-ab-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const { ws, bodies } = serveFixture(root);

const builds = { this: resolve('bin/mlpipe.cjs'), other: resolve(values.old) };
const servers = await Promise.all(Object.entries(builds).map(async ([name, cli]) => ({ name, ...(await startServer(cli, ws, `${name} server`)), cpuMs: 0, requests: 0, ms: 0 })));

try {
  for (const s of servers) await postLoad(`${s.url}/invocations`, bodies, 32, 2); // warm-up: optimised hot paths
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      const c0 = processCpuMs(s.p.pid!);
      const t0 = performance.now();
      const res = await postLoad(`${s.url}/invocations`, bodies, 32, 0.5);
      s.ms += performance.now() - t0;
      s.cpuMs += processCpuMs(s.p.pid!) - c0;
      s.requests += res.latencies.length;
    }
  }
  const [a, b] = servers;
  const us = (s: typeof a) => Math.round((s.cpuMs * 1000) / s.requests);
  console.log(JSON.stringify({
    bench: 'serve-ab', metric: 'server_cpu_us_per_request', unit: 'us', value: us(a), reference: { what: `the other build (${builds.other})`, value: us(b) },
    rate: Math.round((a.requests / a.ms) * 1000), reference_rate: Math.round((b.requests / b.ms) * 1000), rounds, ratio: Math.round((us(a) / us(b)) * 100) / 100,
  }));
} finally {
  for (const s of servers) s.p.kill('SIGTERM');
}
