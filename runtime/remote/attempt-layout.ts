import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { sq } from './shell.js';

/**
 * Where an attempt lives on the remote host, and how the local launch description (paths on this
 * machine) becomes a remote one. Layout under the target's working directory:
 *
 *   objects/<sha256>                         every file ever sent, by content (shared by all runs)
 *   attempts/<run>/<step>.<attempt>/
 *     code/...  sdk/...  inputs/<n>/...      hard links to objects/ (symbolic ones to data already on the host)
 *     out/                                   the step's outputs, downloaded when it succeeds
 *     launch.sh stdout stderr sink status pid job
 */
export interface AttemptPaths {
  dir: string;
  code: string;
  sdk: string;
  out: string;
  stdout: string;
  stderr: string;
  sink: string;
  status: string;
}

export function attemptPaths(workdir: string, runId: string, step: string, attempt: number): AttemptPaths {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = `${workdir}/attempts/${safe(runId)}/${safe(step)}.${attempt}`;
  return {
    dir, code: `${dir}/code`, sdk: `${dir}/sdk`, out: `${dir}/out`,
    stdout: `${dir}/stdout`, stderr: `${dir}/stderr`, sink: `${dir}/sink.jsonl`, status: `${dir}/status`,
  };
}

/** A folder for this workspace on the remote host, when the target names none. */
export function defaultWorkdir(workspaceRoot: string, localHost: string): string {
  const id = createHash('sha256').update(`${localHost}:${workspaceRoot}`).digest('hex').slice(0, 10);
  return `~/.mlpipe-remote/${basename(workspaceRoot).replace(/[^A-Za-z0-9_.-]/g, '_') || 'workspace'}-${id}`;
}

/**
 * Replaces local paths by their remote counterparts inside strings (env values, argv, JSON in env), in
 * one pass with the longest prefix first, so a remote path is never rewritten again.
 */
export class PathMap {
  private readonly pairs = new Map<string, string>();

  add(local: string, remote: string): void {
    this.pairs.set(local, remote);
  }

  map(text: string): string {
    if (!this.pairs.size) return text;
    const keys = [...this.pairs.keys()].sort((a, b) => b.length - a.length);
    // A prefix matches only up to a path boundary: /ws must not rewrite /ws2.
    const re = new RegExp(`(${keys.map(escapeRe).join('|')})(?=$|[/"':,;\\s])`, 'g');
    return text.replace(re, (m) => this.pairs.get(m) ?? m);
  }

  entries(): [string, string][] {
    return [...this.pairs];
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Variables never sent: they describe this machine, not the step (the remote login sets its own). */
const LOCAL_ONLY = /^(PATH|HOME|USER|LOGNAME|SHELL|PWD|OLDPWD|TMPDIR|TMP|TEMP|HOSTNAME|TERM|DISPLAY|LANG|LC_.*|SSH_.*|XDG_.*|DBUS_.*|WAYLAND_.*|COLORTERM|TERM_PROGRAM.*|VSCODE_.*|ELECTRON_.*|NODE_OPTIONS|NODE_PATH|npm_.*|INIT_CWD|EDITOR|VISUAL|PAGER|LS_COLORS|SHLVL|_|MLPIPE_STATUS_FILE)$/;

/**
 * The part of a launch environment that belongs to the step: MLPIPE_* variables, the step's `env`, and
 * anything the runtime changed from its own environment. What the runtime merely inherited from this
 * machine (PATH, HOME, tokens in the user's shell) stays here.
 */
export function stepOwnEnv(env: Record<string, string>, local: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (LOCAL_ONLY.test(k)) continue;
    if (!k.startsWith('MLPIPE_') && local[k] === v) continue;
    out[k] = v;
  }
  return out;
}

/** PYTHONPATH-like values: drop entries that are local paths nobody mapped. */
export function remoteSearchPath(value: string, mapped: (p: string) => string, isMappedRemote: (p: string) => boolean): string {
  return value.split(':').map(mapped).filter((p) => p && (isMappedRemote(p) || !isAbsolute(p))).join(':');
}

export interface LaunchScriptParts {
  paths: AttemptPaths;
  env: Record<string, string>;
  cwd: string;
  token: string;
  setup?: string;
  command: { argv: string[] } | { shell: string };
  shebang: string;
}

/**
 * The script the remote host runs for one attempt. The step's output goes to files, never to the SSH
 * session, and the exit code is written to `status` (atomically, via rename) when the step ends on its
 * own, so whoever looks later (a reconnected or restarted runtime) learns how it ended. The setup command
 * runs in the same shell, so `source venv/bin/activate` or `conda activate` apply to the step.
 */
export function launchScript(p: LaunchScriptParts): string {
  const a = p.paths;
  const exports = Object.entries(p.env).filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)).map(([k, v]) => `export ${k}=${sq(v)}`);
  const command = 'shell' in p.command ? `(\n${p.command.shell}\n)` : p.command.argv.map(sq).join(' ');
  return [
    p.shebang,
    '# Written by MLPipe for one step attempt; see docs/remote.md.',
    `echo $$ > ${sq(a.dir)}/pid`,
    // Whatever ends the script on its own (the step, a failing or exiting setup) leaves its code behind.
    `trap 'rc=$?; echo $rc > ${sq(a.status)}.tmp && mv ${sq(a.status)}.tmp ${sq(a.status)}' EXIT`,
    `export MLPIPE_STEP_TOKEN=${sq(p.token)}`,
    ...exports,
    `exec >>${sq(a.stdout)} 2>>${sq(a.stderr)} </dev/null`,
    `cd ${sq(p.cwd)} || exit 127`,
    ...(p.setup ? [`{\n${p.setup}\n} || { rc=$?; echo "mlpipe: the target's setup command failed (exit $rc)" >&2; exit $rc; }`] : []),
    command,
    '',
  ].join('\n');
}

/** `a/b/c` relative to `root`, with forward slashes; undefined when outside it. */
export function insideRel(root: string, path: string): string | undefined {
  const r = relative(root, path);
  if (!r || r.startsWith('..') || isAbsolute(r)) return r === '' ? '' : undefined;
  return r.split(sep).join('/');
}

export { basename, dirname };
