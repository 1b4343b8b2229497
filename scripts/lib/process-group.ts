import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Groups started here and not yet stopped: killed on any way out of this process. */
const live = new Set<ChildProcess>();
let shuttingDown = false;
/** Synchronous clean-ups (temp dirs) for when the process ends before their owner's stop() ran. */
const cleanups = new Set<() => void>();

/** Registers a clean-up to run if this process ends early; call the returned function to unregister. */
export function onEarlyExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runCleanups(): void {
  cleanups.forEach((c) => {
    try {
      c();
    } catch {
      // Best effort: we are on the way out.
    }
  });
  cleanups.clear();
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal); // negative pid: the whole process group
  } catch {
    // The group is already gone.
  }
}

// Normal exit without stop(): kill synchronously, nothing async can run any more.
process.on('exit', () => {
  live.forEach((c) => killGroup(c.pid, 'SIGKILL'));
  runCleanups();
});
// Ctrl+C / kill: the groups are detached, so the terminal's SIGINT never reaches them. Stop them, then
// exit the usual way for that signal (the 'exit' event also lets Playwright kill its browsers).
const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    void Promise.all([...live].map((c) => stopGroup(c, 2000))).finally(() => process.exit(code));
  });
}

/** True once a signal asked this process to stop (so an exiting server is not reported as a crash). */
export const isShuttingDown = (): boolean => shuttingDown;

/**
 * Spawns a command as the leader of a new process group, so stopping it also stops everything it started
 * (code-server → extension host → language server, file watcher, pty host).
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child);
  return child;
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited and the group is gone. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  // Members that outlived their leader (or ignored SIGTERM) go too.
  killGroup(child.pid, 'SIGKILL');
  live.delete(child);
}
