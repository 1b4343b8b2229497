import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
}

function procs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ');
      if (rest[0] === 'Z') continue;
      out.push({ pid: Number(name), ppid: Number(rest[1]), comm: stat.slice(open + 1, close) });
    } catch {
      // Gone while we looked.
    }
  }
  return out;
}

/** Live descendants of `pid` (not `pid` itself), optionally only those whose command name matches. */
export function descendants(pid: number, comm?: string): number[] {
  const all = procs();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    if (!comm || p.comm === comm) out.push(p.pid);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/** Live processes whose environment carries `NAME=value` (how tests find what a step left behind). */
export function processesWithEnv(entry: string): number[] {
  return procs().filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/environ`, 'latin1').split('\0').includes(entry);
    } catch {
      return false;
    }
  }).map((p) => p.pid);
}

/** Live processes whose command line contains `text`. */
export function processesWithArg(text: string): number[] {
  return procs().filter((p) => {
    if (p.pid === process.pid) return false;
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, 'latin1').includes(text);
    } catch {
      return false;
    }
  }).map((p) => p.pid);
}

export function killAll(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
