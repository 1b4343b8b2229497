import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, olderThan, removeLeftBehind } from '../store/run-folders.js';

export interface ForkServerExit {
  /** The exit code, or 128+N when the step was ended by signal N (as `wait` reports it). */
  status: number;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The fork server's script for dash (any POSIX sh) with util-linux's `setsid`. `eval` only ever sees our
 * header lines: `ID SCRIPT OUT ERR TOKEN` (paths and the token quoted) starts a step; `w PID ID` waits
 * for a step and reports how it ended. Steps inherit fd 3, the pipe back to the runtime, for their EXIT
 * trap.
 */
const SH_SERVER = `
exec 3>&1
while IFS= read -r header; do
  eval "set -- $header"
  if [ "$1" = w ]; then
    wait "$2"; echo "done $3 $?"
  else
    MLPIPE_FORK_ID=$1 MLPIPE_STEP_TOKEN="$5" setsid /bin/sh "$2" mlpipe-step </dev/null >>"$3" 2>>"$4" &
    echo "pid $1 $!"
  fi
done`;

/**
 * The same server in Perl, used where Perl is (Debian and most distributions ship it in the base system):
 * the forked child calls setsid() itself and execs the step's shell, where dash has to exec `setsid`
 * first, a second program start per step that cost as much as the rest of a short step. Perl also reads
 * its input buffered, where dash's `read` takes one byte per system call. Same lines in, same lines out:
 * the header's fields are unquoted as the shell would (only our own quoting, '...' and \', occurs), and
 * `wait` answers as dash's does (128+N for signal N, 127 for a pid that is not a child). It says `ready`
 * first: a Perl without its POSIX module exits before that, and the runtime falls back to the shell server.
 */
const PERL_SERVER = String.raw`
use POSIX ();
POSIX::dup2(1, 3);
$| = 1;
print "ready\n";
while (my $line = <STDIN>) {
  chomp $line;
  my @f;
  for my $w ($line =~ /((?:'[^']*'|\\.|[^\s'\\])+)/g) { (my $v = $w) =~ s/'([^']*)'|\\(.)/defined $1 ? $1 : $2/ge; push @f, $v; }
  if ($f[0] eq 'w') {
    my $r = $f[1] > 0 ? waitpid($f[1], 0) : -1;
    print 'done ', $f[2], ' ', ($r <= 0 ? 127 : ($? & 127) ? 128 + ($? & 127) : $? >> 8), "\n";
    next;
  }
  my ($id, $script, $out, $err, $token) = @f;
  my $pid = fork();
  if (!defined $pid) { print "pid $id 0\ndone $id 255\n"; next; }
  if ($pid == 0) {
    POSIX::setsid();
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>>', $out) or POSIX::_exit(2);
    open(STDERR, '>>', $err) or POSIX::_exit(2);
    $ENV{MLPIPE_FORK_ID} = $id;
    $ENV{MLPIPE_STEP_TOKEN} = $token;
    exec('/bin/sh', $script, 'mlpipe-step') or POSIX::_exit(127);
  }
  print "pid $id $pid\n";
}`;

const PERL = '/usr/bin/perl';

/**
 * The same server in Python, preferred where /usr/bin/python3 is: `os.posix_spawn` starts the step's shell
 * with vfork semantics (glibc), so the server's address space is neither copied nor touched per step,
 * where Perl's fork copied its page tables and the child faulted in copies of the pages it wrote before
 * its exec: together the larger part of a no-op step's CPU. The child gets its own session (setsid), stdin
 * from /dev/null, output appended to the spool files, the default action for SIGPIPE and SIGXFSZ (Python
 * ignores them, and ignored signals survive exec), and fd 3 (the server's stdout) for its EXIT trap. Same
 * lines in and out as the Perl server, the answers to the lines of one read in one write (each write wakes
 * the runtime; what is gathered goes out before a reaping that has to wait); `ready` first: a Python without posix_spawn (before 3.8) exits
 * before that, and the next server takes over. The steps' base environment is the one the server was
 * started with, read from /proc/self/environ: Python's own os.environ may have gained LC_CTYPE (PEP 538).
 */
const PYTHON_SERVER = String.raw`
import binascii, os, re, signal, sys
W = re.compile(rb"(?:'[^']*'|\\.|[^\s'\\])+")
U = re.compile(rb"'([^']*)'|\\(.)")
unq = lambda w: U.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), w)
spawn = os.posix_spawn
os.dup2(1, 3)
os.write(1, b'ready\n')
base = dict(kv.split(b'=', 1) for kv in open('/proc/self/environ', 'rb').read().split(b'\0') if b'=' in kv)
A = os.O_WRONLY | os.O_APPEND | os.O_CREAT
SIGS = (signal.SIGPIPE, signal.SIGXFSZ)
out = []
def flush():
  if out:
    os.write(1, b''.join(out))
    out.clear()
def serve(line):
  if line[:2] == b'x ':
    _, text, line = line.split(b' ', 2)
    argv = [b'/bin/sh', b'-c', binascii.a2b_base64(text), b'mlpipe-step']
  else:
    argv = None
  f = [unq(w) for w in W.findall(line)]
  if not f:
    return
  if f[0] == b'w':
    try:
      pid = int(f[1])
      r, st = os.waitpid(pid, os.WNOHANG) if pid > 0 else (-1, 0)
      if r == 0:
        # Still exiting: what is gathered goes first, rather than wait behind it.
        flush()
        r, st = os.waitpid(pid, 0)
      code = 127 if r <= 0 else 128 + os.WTERMSIG(st) if os.WIFSIGNALED(st) else os.WEXITSTATUS(st)
    except (ChildProcessError, ValueError):
      code = 127
    out.append(b'done %s %d\n' % (f[2], code))
    return
  id, script, o, e, token = f[:5]
  env = dict(base)
  env[b'MLPIPE_FORK_ID'] = id
  env[b'MLPIPE_STEP_TOKEN'] = token
  try:
    pid = spawn(b'/bin/sh', argv or [b'/bin/sh', script, b'mlpipe-step'], env, setsid=True, setsigdef=SIGS, file_actions=[
      (os.POSIX_SPAWN_OPEN, 0, b'/dev/null', os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, o, A, 0o666), (os.POSIX_SPAWN_OPEN, 2, e, A, 0o666)])
  except (OSError, ValueError):
    out.append(b'pid %s 0\ndone %s 127\n' % (id, id))
    return
  out.append(b'pid %s %d\n' % (id, pid))
# The answers to the lines of one read go back in one write: each write wakes the runtime.
rest = b''
while True:
  chunk = os.read(0, 65536)
  if not chunk:
    break
  *lines, rest = (rest + chunk).split(b'\n')
  for line in lines:
    serve(line)
  flush()
if rest:
  serve(rest)
  flush()
`;

const PYTHON = '/usr/bin/python3';

/**
 * The longest launch script sent inline (in characters; UTF-8 and base64 make it at most 4 times as many
 * bytes): one argument of exec may be 128 KiB on Linux. Longer ones go through a file.
 */
const INLINE_MAX = 24 * 1024;

interface Pending {
  pid?: number;
  asked: boolean;
  resolved: boolean;
  onPid: (pid: number) => void;
  onExit: (e: ForkServerExit) => void;
  onReaped: () => void;
}

/**
 * Starts step processes through a small `/bin/sh` kept for the run. Forking the runtime itself costs
 * milliseconds per step (its address space is large: the parser, DuckDB, V8's code), which dominates a
 * DAG of short steps; forking a shell of a megabyte costs a fraction of that. Per step the runtime writes a
 * launch script (to memory, /dev/shm, when there is one) and one line; the shell starts the script in its
 * own session (`setsid`) with stdin from /dev/null and output appended to the step's spool files, and
 * answers `pid ID N`. The step's EXIT trap reports `exit ID STATUS` straight back through fd 3 (no
 * process in between waits for it); the runtime then asks the shell to reap it (`w`), which also answers
 * for steps that never ran their trap (an `exec` in the command, a signal): those the runtime notices
 * when their pid is gone (`poll`).
 */
export class ForkServer {
  private sh: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buf = '';
  /** Launch lines waiting to be sent; they go before the reaping requests of the same turn (`send`). */
  private outbox: (string | (() => string))[] = [];
  private reaps = '';
  private flushing = false;
  private baseEnv: NodeJS.ProcessEnv = {};

  /** Linux with Perl or util-linux's setsid: the fast path; elsewhere the caller spawns directly. */
  static available(): boolean {
    return flavour() !== undefined;
  }

  private kind: ForkServerKind;
  /** Whether the server has said it runs; lines wait in the outbox until then. */
  private ready = false;

  /**
   * `kind` chooses the server (tests run each); by default Python, else Perl where installed, else the
   * shell. `programs` replaces the interpreters' paths (tests: one that cannot serve).
   */
  constructor(kind: ForkServerKind | undefined = flavour(), private readonly programs: { python?: string; perl?: string } = {}) {
    this.kind = kind ?? 'sh';
  }

  /** The environment the shell started with (starting it if needed): launch scripts export only what differs. */
  env(): NodeJS.ProcessEnv {
    this.shell();
    return this.baseEnv;
  }

  /** Starts a launch script in a new session; `pid` resolves when the shell reports it. */
  launch(script: string, stdout: string, stderr: string, token: string): { pid: Promise<number>; exited: Promise<ForkServerExit>; reaped: Promise<void> } {
    this.shell();
    const id = this.nextId++;
    const p: Partial<Pending> = { asked: false, resolved: false };
    const pid = new Promise<number>((r) => { p.onPid = r; });
    const exited = new Promise<ForkServerExit>((r) => { p.onExit = r; });
    // The trap reports before the process is gone; `reaped` settles when it is.
    const reaped = new Promise<void>((r) => { p.onReaped = r; });
    this.pending.set(id, p as Pending);
    this.hold(true);
    // The token is in the step's environment from its first instruction (not only exported by the
    // script), so the step's own shell can be found by it, not just its children.
    const rest = `${quote(stdout)} ${quote(stderr)} ${quote(token)}\n`;
    // Formatted when sent: only then is it sure which server reads it (a Python that cannot serve hands
    // over to Perl or the shell, which take the script as a file).
    this.send(() => {
      if (this.kind === 'python' && script.length <= INLINE_MAX) {
        // The script travels in the line (base64: it has newlines) and runs as `sh -c`: no file to write,
        // read and remove per step ("$0" is then `mlpipe-step`, as for a step started with spawn).
        return `x ${Buffer.from(script).toString('base64')} ${id} - ${rest}`;
      }
      // Numbered per process, not per server: two runs in one process (the extension) share the folder.
      const file = join(scriptDir(), `${process.pid}-${++scriptSeq}.sh`);
      writeFileSync(file, script);
      void exited.then(() => unlinkQuietly(file));
      return `${id} ${quote(file)} ${rest}`;
    }, false);
    return { pid, exited, reaped };
  }

  /** Notices steps that ended without their trap (their pid is gone) and asks the shell how they ended. */
  poll(): void {
    for (const [id, p] of this.pending) {
      if (p.pid === undefined || p.asked || isAlive(p.pid)) continue;
      this.ask(id, p);
    }
  }

  private ask(id: number, p: Pending): void {
    p.asked = true;
    this.send(`w ${p.pid} ${id}\n`, true);
  }

  /**
   * A launch is written at once, with the reaping requests waiting (launches first); reaping requests alone
   * wait for the end of the turn, so the launch of the step a finished one unblocks (usually in the same
   * turn) takes them along: each write to the pipe wakes the server, which on a busy machine cost more than
   * the line itself. Written at once, a launch starts while the runtime still records the finished step.
   * Launches go first: the server handles its lines in order and its reaping blocks (`waitpid`) until the
   * step's shell is really gone, which is after its trap has reported; a launch behind it would wait for
   * that exit, on every step of a chain.
   */
  private send(line: string | (() => string), reap: boolean): void {
    if (reap) this.reaps += line as string;
    else this.outbox.push(line);
    if (!this.ready) return;
    if (!reap) {
      this.sh?.stdin?.write(this.takeLines());
      return;
    }
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const text = this.takeLines();
      if (text) this.sh?.stdin?.write(text);
    });
  }

  private takeLines(): string {
    let text = '';
    for (const l of this.outbox) text += typeof l === 'string' ? l : l();
    text += this.reaps;
    this.outbox = [];
    this.reaps = '';
    return text;
  }

  private shell(): ChildProcess {
    if (this.sh) return this.sh;
    // Its own process group: a Ctrl+C in the terminal goes to the runtime (which cancels steps itself),
    // not to the fork server or the steps.
    // Its stderr is ignored: the shell would only report its jobs' deaths there (steps' own output goes to
    // their spool files).
    const options = { stdio: ['pipe', 'pipe', 'ignore'] as ('pipe' | 'ignore')[], detached: true };
    // Python: -I (no user site, no PYTHON* variables), -S (no site module: a faster start).
    const sh = this.kind === 'python' ? spawn(this.programs.python ?? PYTHON, ['-I', '-S', '-c', PYTHON_SERVER], options)
      : this.kind === 'perl' ? spawn(this.programs.perl ?? PERL, ['-e', PERL_SERVER], options)
        : spawn('/bin/sh', ['-c', SH_SERVER], options);
    sh.stdout!.setEncoding('utf8');
    sh.stdout!.on('data', (chunk: string) => this.onData(chunk));
    // A program that cannot be started at all (removed since `flavour` looked) ends like one that exits.
    let ended = false;
    sh.on('error', () => sh.emit('exit', null, null));
    sh.on('exit', () => {
      if (ended) return;
      ended = true;
      if (!this.ready && this.kind !== 'sh') {
        // A Python without posix_spawn, a Perl without its POSIX module: nothing was sent to it yet; the
        // next server takes over.
        this.sh = undefined;
        this.kind = this.kind === 'python' && existsSync(this.programs.perl ?? PERL) ? 'perl' : 'sh';
        flavourCache = this.kind;
        this.shell();
        if (this.pending.size) this.hold(true);
        return;
      }
      // The shell died (it should not): the steps it was watching are reported as lost (status 255).
      for (const p of this.pending.values()) {
        if (!p.resolved) p.onExit({ status: 255 });
        p.onReaped();
      }
      this.pending.clear();
      this.sh = undefined;
    });
    this.baseEnv = { ...process.env };
    this.sh = sh;
    this.ready = this.kind === 'sh';
    if (this.ready && (this.outbox.length || this.reaps)) this.send('', false);
    this.hold(false);
    return sh;
  }

  /** Keeps the runtime's event loop alive while steps are watched, and only then. */
  private hold(on: boolean): void {
    const sh = this.sh;
    if (!sh) return;
    for (const h of [sh, sh.stdin, sh.stdout] as unknown as { ref?: () => void; unref?: () => void }[]) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line === 'ready') {
        this.ready = true;
        if (this.outbox.length || this.reaps) this.send('', false);
        continue;
      }
      const m = /^(pid|exit|done) (\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const id = Number(m[2]);
      const value = Number(m[3]);
      const p = this.pending.get(id);
      if (!p) continue;
      if (m[1] === 'pid') {
        p.pid = value;
        p.onPid(value);
        // A step can end (and its trap report) before the server has written its pid: reap it now.
        if (p.resolved && !p.asked && value > 0) this.ask(id, p);
      } else if (m[1] === 'exit') {
        // The trap's report: the step is done. Reap it (the answer is only bookkeeping then) once its pid
        // is known.
        if (!p.resolved) {
          p.resolved = true;
          p.onExit({ status: value });
        }
        if (!p.asked && p.pid !== undefined) this.ask(id, p);
      } else {
        this.pending.delete(id);
        if (!this.pending.size) this.hold(false);
        if (!p.resolved) {
          p.resolved = true;
          p.onExit({ status: value });
        }
        p.onReaped();
      }
    }
  }

  dispose(): void {
    // Lines still waiting go before the end: the shell answers the reaping requests before it stops.
    const rest = this.takeLines();
    if (rest) this.sh?.stdin?.write(rest);
    this.sh?.stdin?.end();
    this.sh = undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export type ForkServerKind = 'python' | 'perl' | 'sh';

let scriptSeq = 0;
let flavourCache: ForkServerKind | null | undefined;

/**
 * Which server this machine can run, decided once per process: Python where /usr/bin/python3 is, else
 * Perl where /usr/bin/perl is (whether they can serve shows when they start: see `ready`), else dash with
 * util-linux's setsid, else none. Nothing is started to find out when Python or Perl is there: a process
 * start from the runtime costs milliseconds. `MLPIPE_FORK_SERVER=perl` or `=sh` chooses that server.
 */
function flavour(): ForkServerKind | undefined {
  if (flavourCache === undefined) {
    const chosen = process.env.MLPIPE_FORK_SERVER;
    if (process.platform !== 'linux' || !existsSync('/bin/sh')) flavourCache = null;
    else if (chosen !== 'sh' && chosen !== 'perl' && existsSync(PYTHON)) flavourCache = 'python';
    else if (chosen !== 'sh' && existsSync(PERL)) flavourCache = 'perl';
    else flavourCache = spawnSync('setsid', ['--version'], { stdio: 'ignore' }).status === 0 ? 'sh' : null;
  }
  return flavourCache ?? undefined;
}
let scripts: string | undefined;

/** One unlink (rmSync would lstat first and go through its recursive machinery). */
function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (the folder is removed when the process exits).
  }
}

/**
 * A private folder for launch scripts: in /dev/shm (memory) when it exists, else the temp folder. It is
 * removed when the process exits; a process killed outright cannot, so each new folder first sweeps
 * away those of processes that no longer run (the folder's name carries its owner's pid).
 */
function scriptDir(): string {
  if (!scripts) {
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    removeOrphanedScriptDirs(base);
    scripts = mkdtempSync(join(base, `mlpipe-launch-${process.pid}-`));
    const dir = scripts;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scripts;
}

/**
 * Removes launch-script folders in `base` whose process is gone. Folders named before the pid was part
 * of the name go once they are a day old (no launch script lives that long).
 */
export function removeOrphanedScriptDirs(base: string, now = Date.now()): void {
  removeLeftBehind(base, (name, path) => {
    if (!name.startsWith('mlpipe-launch-')) return false;
    const owner = /^mlpipe-launch-(\d+)-/.exec(name);
    return owner ? !processRuns(Number(owner[1])) : olderThan(path, DAY_MS, now);
  });
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A launch script: cwd, environment changes, the exit-status trap, the target's setup, the command. */
export function launchScript(o: {
  cwd: string; set: Record<string, string>; unset: string[]; trap: string; setup?: string; command: { argv: string[] } | { shell: string };
  closeFd3?: boolean;
}): string {
  const lines = ['# Written by mlpipe: how this step attempt was started.', `cd ${quote(o.cwd)} || exit 127`];
  for (const [k, v] of Object.entries(o.set)) lines.push(`export ${k}=${quote(v)}`);
  if (o.unset.length) lines.push(`unset ${o.unset.join(' ')}`);
  lines.push(o.trap.trimEnd());
  if (o.setup) lines.push(`${o.setup} || exit $?`);
  const close = o.closeFd3 ? ' 3>&-' : '';
  lines.push('shell' in o.command ? `{\n${o.command.shell}\n}${close}` : `${o.command.argv.map(quote).join(' ')}${close}`);
  return `${lines.join('\n')}\n`;
}
