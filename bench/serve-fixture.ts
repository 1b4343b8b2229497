// What the serving benchmarks share (runtime.bench.ts `serve`, serve-ab.bench.ts): a registered model
// with its request bodies, `mlpipe serve` started on a free port, and a process's CPU time from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSignature } from '../runtime/onnx/signature.js';
import { Registry } from '../runtime/registry/registry.js';
import { workspaceAt, type Workspace } from '../runtime/store/workspace.js';
import { writeLogisticModel } from '../test/unit/runtime/onnx-models.js';

export interface ServeFixture {
  ws: Workspace;
  /** The ONNX file registered as `bench@1`. */
  file: string;
  rows: { age: number; plan: string }[];
  /** One one-row `dataframe_split` body per row. */
  bodies: string[];
}

/** A workspace under `root` with a small logistic model registered as `bench` version 1. */
export function serveFixture(root: string): ServeFixture {
  const ws = workspaceAt(join(root, 'serve'));
  const file = join(root, 'serve-model.onnx');
  mkdirSync(ws.root, { recursive: true });
  writeLogisticModel(file);
  new Registry(ws).register({ model: 'bench', file, signature: readSignature(file), metrics: {}, who: 'bench' });
  const rows = Array.from({ length: 512 }, (_, i) => ({ age: 18 + (i % 60), plan: ['free', 'pro', 'team'][i % 3] }));
  const bodies = rows.map((r) => JSON.stringify({ dataframe_split: { columns: ['age', 'plan'], data: [[r.age, r.plan]] } }));
  return { ws, file, rows, bodies };
}

/** `cli serve bench@1` on a free port; resolves with the process and the URL it says it listens at. */
export async function startServer(cli: string, ws: Workspace, name = 'server'): Promise<{ p: ChildProcess; url: string }> {
  const p = spawn(process.execPath, [cli, 'serve', 'bench@1', '--port', '0', '--workspace', ws.root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    p.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolveUrl(m[1]);
    });
    p.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { p, url };
}

/** A process's CPU time so far (user + system), from /proc (Linux), in ms; 0 elsewhere. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of stat(5)) in clock ticks, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
