import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** How to find every process of one step attempt. */
export interface ProcessTree {
  /** The step's main process; it leads its own process group (spawned detached). */
  pid: number;
  /**
   * A value of MLPIPE_STEP_TOKEN that only this attempt's processes carry in their environment. Children
   * inherit it even when they start their own session (setsid, daemons) or are re-parented to init, which
   * a process-group or parent-pid walk would miss (Jenkins' ProcessTreeKiller uses the same trick).
   */
  token?: string;
}

export const TOKEN_VAR = 'MLPIPE_STEP_TOKEN';
const isLinux = process.platform === 'linux';

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
}

function readProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]), zombie: rest[0] === 'Z' || rest[0] === 'X' });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function hasToken(pid: number, token: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${TOKEN_VAR}=${token}`);
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes of the tree: its group, its descendants, and every carrier of its token. */
export function membersOf(tree: ProcessTree): number[] {
  if (!isLinux) return alive(tree.pid) ? [tree.pid] : [];
  const procs = readProcs();
  const members = new Set<number>();
  const children = new Map<number, number[]>();
  for (const p of procs) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid)!.push(p.pid);
  }
  const live = new Map(procs.map((p) => [p.pid, p]));
  const addWithDescendants = (pid: number) => {
    const stack = [pid];
    while (stack.length) {
      const p = stack.pop()!;
      if (members.has(p) || !live.has(p)) continue;
      members.add(p);
      stack.push(...(children.get(p) ?? []));
    }
  };
  addWithDescendants(tree.pid);
  for (const p of procs) {
    if (p.pgid === tree.pid) addWithDescendants(p.pid);
    else if (tree.token && p.pid !== process.pid && hasToken(p.pid, tree.token)) addWithDescendants(p.pid);
  }
  return [...members].filter((pid) => !live.get(pid)!.zombie && pid !== process.pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalAll(tree: ProcessTree, pids: number[], signal: NodeJS.Signals): void {
  try {
    process.kill(-tree.pid, signal);
  } catch {
    // The group is empty or gone.
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Ends a step's whole process tree: SIGTERM to every member so programs can clean up, then SIGKILL to
 * whatever is still alive after `graceMs` (members that appear meanwhile included). Resolves when no
 * member is left, so a caller that awaits it knows nothing runs on.
 */
export async function killTree(tree: ProcessTree, graceMs = 5000): Promise<void> {
  let members = membersOf(tree);
  signalAll(tree, members, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let pause = 10;
  while (members.length && Date.now() < deadline) {
    await delay(pause);
    pause = Math.min(100, pause * 2);
    members = membersOf(tree);
    // Children forked after the first signal get it too.
    if (members.length) signalAll(tree, members, 'SIGTERM');
  }
  for (let round = 0; members.length && round < 50; round++) {
    signalAll(tree, members, 'SIGKILL');
    await delay(20);
    members = membersOf(tree);
  }
}

/**
 * Step processes whose token starts with `prefix` (`<run id>/` finds every step of a run), with their
 * full tokens: how a later command finds the steps of a run whose CLI is gone.
 */
export function findByTokenPrefix(prefix: string): ProcessTree[] {
  if (!isLinux) return [];
  const out: ProcessTree[] = [];
  for (const p of readProcs()) {
    if (p.zombie || p.pid === process.pid) continue;
    try {
      const entry = readFileSync(`/proc/${p.pid}/environ`, 'latin1').split('\0').find((x) => x.startsWith(`${TOKEN_VAR}=${prefix}`));
      if (entry) out.push({ pid: p.pid, token: entry.slice(TOKEN_VAR.length + 1) });
    } catch {
      // Gone or not ours.
    }
  }
  return out;
}

/** Whether `pid` leads its process group (a step's main process does). */
export function isGroupLeader(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pid;
  } catch {
    return false;
  }
}

/** Kills what a finished step left behind in its group (background jobs), without waiting. */
export function killLeftovers(tree: ProcessTree): void {
  // Nothing left is the usual case, and process.kill reports it by throwing: without a stack trace to
  // capture, that costs a quarter as much (once per step).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-tree.pid, 'SIGKILL');
  } catch {
    // Nothing left.
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Start time of a process (clock ticks since boot), to tell a live pid from a reused one. */
export function processStartTime(pid: number): number | undefined {
  if (!isLinux) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** Whether the process that had `pid` and `startTime` still runs. */
export function stillRunning(pid: number, startTime: number | undefined): boolean {
  if (!alive(pid)) return false;
  if (startTime === undefined || !isLinux) return true;
  return processStartTime(pid) === startTime;
}
