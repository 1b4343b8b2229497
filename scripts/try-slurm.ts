import { execFileSync } from 'node:child_process';
import { startSlurm } from '../test/services/slurm.js';
const t0 = performance.now();
const c = await startSlurm();
console.log('started', (performance.now() - t0).toFixed(0), 'ms');
const env = { ...process.env, ...c.env };
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8', env });
console.log(sh('sinfo -o "%P %G %c %T"'));
const id = sh('sbatch --parsable --gres=gpu:1 --wrap "echo hi; exit 3" -o /tmp/slurm-try.out').trim();
console.log('job', id);
for (let i = 0; i < 100; i++) { const s = sh(`sacct -n -P -j ${id} -X -o State,ExitCode`).trim(); if (s && !/RUNNING|PENDING/.test(s)) { console.log('sacct', s, (performance.now() - t0).toFixed(0)); break; } execFileSync('sleep', ['0.2']); }
await c.stop();
console.log('stopped', (performance.now() - t0).toFixed(0), 'ms');
