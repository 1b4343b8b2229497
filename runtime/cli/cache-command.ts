import { parseArgs } from 'node:util';
import { CacheBusy, cacheReport, collectGarbage, type CacheReport } from '../exec/cache-gc.js';
import { UsageError, type Io } from './output.js';
import { workspaceFor } from './pipeline-cli.js';

const USAGE = 'cache status [--json] | cache gc [--dry-run] [--json]';

/** `mlpipe cache status|gc`: how much the step cache holds, and removing the results nothing uses now. */
export async function cacheCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: { json: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false }, workspace: { type: 'string' } },
  });
  if (positionals.length) throw new UsageError(`usage: mlpipe ${USAGE}`);
  const ws = workspaceFor(values.workspace);
  switch (sub) {
    case 'status': {
      const r = cacheReport(ws);
      if (values.json) io.out(JSON.stringify({ workspace: ws.root, ...r }));
      else io.out(`${ws.root}: ${summary(r)}`);
      return 0;
    }
    case 'gc': {
      const dryRun = values['dry-run'];
      let r;
      try {
        r = collectGarbage(ws, { dryRun });
      } catch (e) {
        if (!(e instanceof CacheBusy)) throw e;
        io.err(`mlpipe: ${e.message}`);
        return 1;
      }
      if (values.json) {
        io.out(JSON.stringify({ workspace: ws.root, ...r }));
        return 0;
      }
      for (const u of r.unused) io.out(`${dryRun ? 'would remove' : 'removed'} ${u.key.slice(0, 12)}  ${(u.node ?? '?').padEnd(16)} ${size(u.bytes).padStart(9)}${u.run ? `  from run ${u.run}` : ''}`);
      io.out(summary(r, dryRun ? 'would remove' : 'removed'));
      return 0;
    }
    default:
      throw new UsageError(`usage: mlpipe ${USAGE}`);
  }
}

function summary(r: CacheReport, verb = 'unused (cache gc removes them)'): string {
  const freed = r.unused.reduce((n, u) => n + u.bytes, 0);
  const kept = `${r.kept.results} result${r.kept.results === 1 ? '' : 's'} in use (${size(r.kept.bytes)})`;
  return verb.startsWith('unused')
    ? `${kept}; ${r.unused.length} ${verb}, ${size(freed)}`
    : `${verb} ${r.unused.length} result${r.unused.length === 1 ? '' : 's'} (${size(freed)}); kept ${kept}`;
}

function size(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}
