import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ForkServer, launchScript, removeOrphanedScriptDirs, type ForkServerKind } from '../../../runtime/exec/fork-server.js';

// The fork server in both its forms (Perl where it is installed, dash with util-linux's setsid): the same
// answers for the same launches. Real processes; every wait is for the server's own report.

const TRAP = `trap 's=$?; echo $s > "$MLPIPE_STATUS_FILE"; echo "exit $MLPIPE_FORK_ID $s" >&3 2>/dev/null; exit $s' EXIT\n`;
const hasPython = spawnSync('/usr/bin/python3', ['-c', 'import os; os.posix_spawn'], { stdio: 'ignore' }).status === 0;
const hasPerl = spawnSync('/usr/bin/perl', ['-MPOSIX', '-e', '1'], { stdio: 'ignore' }).status === 0;
const hasSetsid = spawnSync('setsid', ['--version'], { stdio: 'ignore' }).status === 0;
const kinds = ([['python', hasPython], ['perl', hasPerl], ['sh', hasSetsid]] as [ForkServerKind, boolean][]).filter(([, ok]) => ok).map(([k]) => k);

const dir = mkdtempSync(join(tmpdir(), 'mlpipe-fork-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** After `reaped`, the step's pid names no process, or (reused already) not a zombie of ours. */
function isZombieOrGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe.runIf(process.platform === 'linux' && kinds.length)('fork server', () => {
  let n = 0;
  const start = (server: ForkServer, command: string, token = 'tok', set: Record<string, string> = {}) => {
    const base = join(dir, `s${n++}`);
    const script = launchScript({
      cwd: dir, set: { MLPIPE_STATUS_FILE: `${base}.status`, ...set }, unset: [], trap: TRAP, command: { shell: command }, closeFd3: true,
    });
    return { base, ...server.launch(script, `${base}.out`, `${base}.err`, token) };
  };

  test.each(kinds)('%s: exit codes, output files, token, own session, paths with quotes', async (kind) => {
    const server = new ForkServer(kind);
    try {
      // The step's shell reports its own session: it leads one (and so its own process group).
      const ok = start(server, 'echo "out $MLPIPE_STEP_TOKEN"; echo "session $(cut -d" " -f6 /proc/$$/stat) pid $$"; echo err >&2; exit 0', "it's a token");
      const pid = await ok.pid;
      expect(await ok.exited).toEqual({ status: 0 });
      await ok.reaped;
      expect(readFileSync(`${ok.base}.out`, 'utf8')).toBe(`out it's a token\nsession ${pid} pid ${pid}\n`);
      expect(readFileSync(`${ok.base}.err`, 'utf8')).toBe('err\n');

      const failed = start(server, 'exit 3', 'tok', { WEIRD: `a'b"c $x\\` });
      expect(await failed.exited).toEqual({ status: 3 });
      const env = start(server, 'printf %s "$WEIRD"', 'tok', { WEIRD: `a'b"c $x\\` });
      await env.exited;
      expect(readFileSync(`${env.base}.out`, 'utf8')).toBe(`a'b"c $x\\`);
    } finally {
      server.dispose();
    }
  });

  test.each(kinds)('%s: a step that ends without its trap (exec, a signal) is reported when its pid is gone', async (kind) => {
    const server = new ForkServer(kind);
    try {
      const execd = start(server, 'exec sh -c "exit 5"');
      await execd.pid;
      // No trap runs after exec: the runtime polls for the pid, then the server reaps it and reports.
      const poll = setInterval(() => server.poll(), 10);
      try {
        expect(await execd.exited).toEqual({ status: 5 });
        const killed = start(server, 'kill -9 $$');
        expect(await killed.exited).toEqual({ status: 128 + 9 });
        expect(existsSync(`${killed.base}.status`)).toBe(false);
      } finally {
        clearInterval(poll);
      }
    } finally {
      server.dispose();
    }
  });

  test.each(kinds)('%s: a launch is not held behind the reaping of a step that reported but has not exited yet', async (kind) => {
    // Step A reports its exit from its trap, then stays alive until step B, launched when A reported,
    // writes to a FIFO. The server reaps A with a blocking wait: were B's launch queued behind A's reaping
    // (as it is sent in the same turn), B would never start and this test would not finish.
    const fifo = join(dir, `fifo-${kind}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const server = new ForkServer(kind);
    try {
      const base = join(dir, `s${n++}`);
      const lingering = launchScript({
        cwd: dir, set: { MLPIPE_STATUS_FILE: `${base}.status` }, unset: [],
        trap: `trap 'echo "exit $MLPIPE_FORK_ID 0" >&3; read x < "${fifo}"; exit 0' EXIT\n`, command: { shell: 'true' }, closeFd3: true,
      });
      const a = server.launch(lingering, `${base}.out`, `${base}.err`, 'tok');
      const b = a.exited.then(() => start(server, `echo go > '${fifo}'`));
      expect(await a.exited).toEqual({ status: 0 });
      expect(await (await b).exited).toEqual({ status: 0 });
      await a.reaped;
    } finally {
      server.dispose();
    }
  });

  test.each(kinds)('%s: many steps that end at once are all reported and reaped, whatever order the server answers in', async (kind) => {
    // Started together, an instant step's trap can report its exit before the server has written its pid;
    // it is reaped once the pid is known (the Python server used to be sent "w undefined" and die).
    const server = new ForkServer(kind);
    try {
      const steps = Array.from({ length: 40 }, (_, i) => start(server, `exit ${i % 7}`));
      const exits = await Promise.all(steps.map((s) => s.exited));
      expect(exits.map((e) => e.status)).toEqual(steps.map((_, i) => i % 7));
      await Promise.all(steps.map((s) => s.reaped));
      for (const s of steps) expect(isZombieOrGone(await s.pid)).toBe(true);
    } finally {
      server.dispose();
    }
  });

  test.each(kinds)('%s: a step gets default signal dispositions and exactly the environment the runtime had', async (kind) => {
    // Python ignores SIGPIPE, and ignored signals survive exec: \`yes\` would then get EPIPE and complain on
    // stderr instead of dying quietly. Under LANG=C Python adds LC_CTYPE to its own environment (PEP 538),
    // which must not reach the steps.
    const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_CTYPE: process.env.LC_CTYPE };
    process.env.LANG = 'C';
    delete process.env.LC_ALL;
    delete process.env.LC_CTYPE;
    const server = new ForkServer(kind);
    try {
      const s = start(server, 'yes | head -n 1; echo "ctype=${LC_CTYPE-unset}"');
      expect(await s.exited).toEqual({ status: 0 });
      expect(readFileSync(`${s.base}.out`, 'utf8')).toBe('y\nctype=unset\n');
      expect(readFileSync(`${s.base}.err`, 'utf8')).toBe('');
    } finally {
      server.dispose();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  /** Two launches through `server` (whose own program failed) still run, each in its own session. */
  async function expectLaunchesServed(server: ForkServer): Promise<void> {
    const first = start(server, 'echo "session $(cut -d" " -f6 /proc/$$/stat) pid $$"; exit 4');
    const second = start(server, 'exit 6');
    const pid = await first.pid;
    expect(await first.exited).toEqual({ status: 4 });
    expect(await second.exited).toEqual({ status: 6 });
    expect(readFileSync(`${first.base}.out`, 'utf8')).toBe(`session ${pid} pid ${pid}\n`);
  }

  test.runIf(hasPython && (hasPerl || hasSetsid))('a Python that cannot serve hands its launches to the next server', async () => {
    // /bin/false stands in for a Python without posix_spawn: it exits before saying ready.
    const server = new ForkServer('python', { python: '/bin/false' });
    try {
      await expectLaunchesServed(server);
    } finally {
      server.dispose();
    }
  });

  test.each(kinds)('%s: short and long launch scripts (Python sends short ones in the line, long ones as a file)', async (kind) => {
    // 200,000 characters: more than one exec argument may hold (128 KiB), so it cannot go inline.
    const server = new ForkServer(kind);
    try {
      const short = start(server, `printf '%s|%s' "$0" "ünï 'q'"`);
      const long = start(server, `: ${'x'.repeat(200_000)}; echo long`);
      expect(await short.exited).toEqual({ status: 0 });
      expect(await long.exited).toEqual({ status: 0 });
      expect(readFileSync(`${short.base}.out`, 'utf8')).toMatch(/\|ünï 'q'$/);
      expect(readFileSync(`${long.base}.out`, 'utf8')).toBe('long\n');
    } finally {
      server.dispose();
    }
  });

  test.runIf(hasPerl && hasSetsid)('a Perl that cannot start the server hands its launches to the shell server', async () => {
    // PERL5OPT makes Perl load a module that does not exist: it exits before saying ready.
    const saved = process.env.PERL5OPT;
    process.env.PERL5OPT = '-MMlpipe::No::Such::Module';
    const server = new ForkServer('perl');
    try {
      await expectLaunchesServed(server);
    } finally {
      server.dispose();
      if (saved === undefined) delete process.env.PERL5OPT;
      else process.env.PERL5OPT = saved;
    }
  });
});

test('launch-script folders of processes killed before they could remove them are swept away', () => {
  const base = mkdtempSync(join(dir, 'shm-'));
  const deadPid = spawnSync('true').pid; // ran and was reaped: no process has this pid now
  const folders = {
    dead: `mlpipe-launch-${deadPid}-aB3dE9`,
    alive: `mlpipe-launch-${process.pid}-x1Y2z3`,
    parent: `mlpipe-launch-${process.ppid}-q9W8e7`,
    oldUnnamed: 'mlpipe-launch-04sFaR', // from before folders carried their pid
    newUnnamed: 'mlpipe-launch-0VC3d6',
    other: 'somebody-elses-folder',
  };
  for (const name of Object.values(folders)) mkdirSync(join(base, name));
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  utimesSync(join(base, folders.oldUnnamed), twoDaysAgo, twoDaysAgo);

  removeOrphanedScriptDirs(base);

  const left = (name: string) => existsSync(join(base, name));
  expect(left(folders.dead)).toBe(false);
  expect(left(folders.oldUnnamed)).toBe(false);
  expect(left(folders.alive)).toBe(true);
  expect(left(folders.parent)).toBe(true);
  expect(left(folders.newUnnamed)).toBe(true);
  expect(left(folders.other)).toBe(true);
});
