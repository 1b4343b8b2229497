import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LaunchSpec } from '../exec/runner.js';
import { expandGlob } from '../store/glob.js';
import { attemptPaths, insideRel, launchScript, PathMap, remoteSearchPath, stepOwnEnv, type AttemptPaths } from './attempt-layout.js';
import type { FileHasher } from '../store/hashing.js';
import { listCodeFiles, missingObjects, syncFile, type KnownObjects, type SyncFile } from './content-sync.js';
import { RemoteError } from './errors.js';
import type { SshConnection } from './ssh-connection.js';
import { sq } from './shell.js';
import { tarStream, type TarEntry } from './tar.js';

/** What the run's lineage records about one remote attempt. */
/** A type, not an interface: it must fit the runner's `Record<string, unknown>` lineage. */
export type RemoteLineage = {
  target: string;
  host: string;
  attemptDir: string;
  code: { files: number; bytes: number };
  /** Objects the remote lacked and that were sent now. */
  uploaded: { files: number; bytes: number };
  inputs: { name: string; local?: string; remote: string; sha256?: string; referenced: boolean }[];
  outputs: { name: string; remote: string; local: string }[];
};

export interface PrepareContext {
  target: string;
  hostLabel: string;
  /** Absolute working directory on the remote host. */
  workdir: string;
  hasher: FileHasher;
  setup?: string;
  shebang: string;
  token: string;
  /** The runtime's SDK folder, sent along so `import mlpipe` works remotely. */
  sdkDir?: string;
}

export interface PreparedAttempt {
  paths: AttemptPaths;
  /** Every object the attempt links to, by hash. */
  objects: Map<string, SyncFile>;
  /** Files for one `tar -x` in the working directory: the missing objects, the links, launch.sh. */
  pack(missing: Set<string>): TarEntry[];
  incoming: string;
  /** What the attempt computes, without run-specific paths: equal digests mean the same work. */
  digest: string;
  outputs: { name: string; local: string; remote: string }[];
  lineage: RemoteLineage;
}

/** `remote:/scratch/imagenet` in a source path names data that already lives on the remote host. */
const REMOTE_PREFIX = /(?:^|\/)remote:(\/.*)$/;

function parseJson(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/**
 * Works out what one attempt needs on the remote host, without talking to it: the code tree (the
 * pipeline's folder), the inputs the step reads, the SDK, each file hashed; the launch script with every
 * local path rewritten. Inputs under `remote:` paths are linked, never copied.
 */
export async function prepareAttempt(spec: LaunchSpec, ctx: PrepareContext): Promise<PreparedAttempt> {
  const paths = attemptPaths(ctx.workdir, spec.runId, spec.step, spec.attempt);
  const map = new PathMap();
  const links = new Map<string, SyncFile | string>(); // remote path (relative to workdir) → object or absolute target
  const relToWork = (p: string) => p.slice(ctx.workdir.length + 1);
  const codeRoot = spec.cwd;
  const lineage: RemoteLineage = {
    target: ctx.target, host: ctx.hostLabel, attemptDir: paths.dir, code: { files: 0, bytes: 0 }, uploaded: { files: 0, bytes: 0 }, inputs: [], outputs: [],
  };

  // Code: the pipeline's folder as git sees it.
  for (const rel of await listCodeFiles(codeRoot)) {
    const f = await syncFile(ctx.hasher, join(codeRoot, rel));
    links.set(relToWork(`${paths.code}/${rel}`), f);
    lineage.code.files++;
    lineage.code.bytes += f.size;
  }
  map.add(codeRoot, paths.code);

  // The SDK the runtime puts on PYTHONPATH / --import.
  if (ctx.sdkDir && existsSync(ctx.sdkDir)) {
    for (const rel of await listCodeFiles(ctx.sdkDir)) links.set(relToWork(`${paths.sdk}/${rel}`), await syncFile(ctx.hasher, join(ctx.sdkDir, rel)));
    map.add(ctx.sdkDir, paths.sdk);
  }

  // Inputs: under the code root they keep their place (and are sent even when git ignores them);
  // elsewhere (the local store) they go to inputs/<n>/; `remote:` paths are linked where they are.
  const inputs = parseJson(spec.env.MLPIPE_INPUTS);
  let n = 0;
  for (const [name, local] of Object.entries(inputs)) {
    const remoteRef = REMOTE_PREFIX.exec(local);
    if (remoteRef) {
      map.add(local, remoteRef[1]);
      lineage.inputs.push({ name, remote: remoteRef[1], referenced: true });
      continue;
    }
    const files = expandGlob(local);
    const rel = insideRel(codeRoot, local);
    const base = rel !== undefined ? paths.code : `${paths.dir}/inputs/${n++}`;
    if (rel === undefined) map.add(/[*?[]/.test(local) ? dirname(local) : local, /[*?[]/.test(local) ? base : `${base}/${basename(local)}`);
    for (const file of files) {
      const f = await syncFile(ctx.hasher, file);
      const remote = rel !== undefined ? `${paths.code}/${insideRel(codeRoot, file)}` : `${base}/${basename(file)}`;
      links.set(relToWork(remote), f);
      lineage.inputs.push({ name, local: file, remote, sha256: f.hash, referenced: false });
    }
  }

  // Outputs and spool files.
  map.add(spec.spool.stdout, paths.stdout);
  map.add(spec.spool.stderr, paths.stderr);
  map.add(spec.spool.sink, paths.sink);
  map.add(spec.spool.status, paths.status);
  if (spec.env.MLPIPE_OUTPUT_DIR) map.add(spec.env.MLPIPE_OUTPUT_DIR, paths.out);
  if (spec.env.MLPIPE_WORKSPACE && !map.entries().some(([l]) => l === spec.env.MLPIPE_WORKSPACE)) map.add(spec.env.MLPIPE_WORKSPACE, paths.code);
  // The runtime's own Node binary is this machine's: the remote uses its `node` on PATH.
  map.add(process.execPath, 'node');

  const outputs = Object.entries(parseJson(spec.env.MLPIPE_OUTPUTS)).map(([name, local]) => ({ name, local, remote: map.map(local) }));
  lineage.outputs = outputs;

  // Environment and command, with every local path rewritten.
  const remotePrefixes = map.entries().map(([, r]) => r).filter((r) => r.startsWith('/'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(stepOwnEnv(spec.env))) {
    env[k] = /PATH$/.test(k) && k !== 'MLPIPE_PATH'
      ? remoteSearchPath(v, (p) => map.map(p), (p) => remotePrefixes.some((r) => p.startsWith(r)))
      : map.map(v);
  }
  const command = 'shell' in spec.command ? { shell: map.map(spec.command.shell) } : { argv: spec.command.argv.map((a) => map.map(a)) };
  const normalise = (t: string) => t.split(paths.dir).join('@attempt').split(spec.runId).join('@run');
  const digest = createHash('sha256').update(JSON.stringify({
    step: spec.step,
    command: normalise(JSON.stringify(command)),
    env: Object.entries(env).filter(([k]) => !/^MLPIPE_(RUN_ID|ATTEMPT)$/.test(k)).map(([k, v]) => [k, normalise(v)]).sort(),
    files: [...links].map(([rel, v]) => [normalise(`${ctx.workdir}/${rel}`), typeof v === 'string' ? v : v.hash]).sort(),
    setup: ctx.setup ?? '',
  })).digest('hex');
  const script = launchScript({ paths, env, cwd: map.map(spec.cwd), token: ctx.token, setup: ctx.setup, command, shebang: ctx.shebang });

  const objectsByHash = new Map<string, SyncFile>();
  for (const v of links.values()) if (typeof v !== 'string') objectsByHash.set(v.hash, v);
  const launch = Buffer.from(script);
  const pack = (missing: Set<string>): TarEntry[] => {
    const entries: TarEntry[] = [];
    lineage.uploaded = { files: 0, bytes: 0 };
    for (const h of missing) {
      const f = objectsByHash.get(h)!;
      entries.push({ type: 'file', name: `${incoming}/${h}`, size: f.size, mode: f.mode, source: f.local });
      lineage.uploaded.files++;
      lineage.uploaded.bytes += f.size;
    }
    // Hard links, not symbolic ones: Node resolves a module's symlinks to their target, so `./lib.mjs` next
    // to a script would be looked for in objects/. A link to a new object points at its copy in this same
    // archive (renamed into objects/ afterwards, which keeps the inode).
    for (const [rel, v] of links) {
      if (typeof v === 'string') entries.push({ type: 'symlink', name: rel, target: v });
      else entries.push({ type: 'hardlink', name: rel, target: missing.has(v.hash) ? `${incoming}/${v.hash}` : `objects/${v.hash}` });
    }
    entries.push({ type: 'file', name: relToWork(`${paths.dir}/launch.sh`), size: launch.length, mode: 0o755, source: launch });
    return entries;
  };
  const incoming = `.incoming-${randomBytes(6).toString('hex')}`;
  return { paths, objects: objectsByHash, pack, incoming, digest, outputs, lineage };
}

/**
 * Sends what the remote store lacks and starts the attempt, in one remote command when the runtime
 * already knows which objects the host has (from earlier steps and runs, `known`): the usual case costs
 * one round trip. When the host lost objects meanwhile (someone cleaned the folder), the hard links to
 * them fail before anything starts; then the store is asked and the attempt unpacked again.
 */
export async function sendAndStart(conn: SshConnection, workdir: string, prepared: PreparedAttempt, known: KnownObjects, start: string): Promise<string> {
  const hashes = [...prepared.objects.keys()];
  const objects = `${workdir}/objects`;
  let missing = known.size ? new Set(hashes.filter((h) => !known.has(h))) : await missingObjects(conn, objects, hashes);
  let out: string;
  try {
    out = await unpackAndStart(conn, workdir, prepared.incoming, prepared.paths, prepared.pack(missing), start);
  } catch (e) {
    if (!(e instanceof RemoteError) || e.code !== 'remote-command' || !known.size || !/link/i.test(e.message)) throw e;
    known.clear();
    missing = await missingObjects(conn, objects, hashes);
    out = await unpackAndStart(conn, workdir, prepared.incoming, prepared.paths, prepared.pack(missing), start);
  }
  known.add(hashes);
  return out;
}

/**
 * One remote command that unpacks the attempt (objects land under a temporary name and are renamed into
 * the store only once complete, so an interrupted upload never leaves a truncated object behind) and
 * then runs `start`, whose output is returned.
 */
export async function unpackAndStart(conn: SshConnection, workdir: string, incoming: string, paths: AttemptPaths, entries: TarEntry[], start: string): Promise<string> {
  const inc = incoming;
  const script = [
    `mkdir -p ${sq(workdir)}/objects && cd ${sq(workdir)} || exit 1`,
    `tar -xf - || { rm -rf ${inc}; exit 1; }`,
    `if [ -d ${inc} ]; then (cd ${inc} && set -- * && if [ -e "$1" ]; then chmod a-w -- "$@"; mv -f -- "$@" ../objects/; fi) && rmdir ${inc} || exit 1; fi`,
    `mkdir -p ${sq(paths.out)} ${sq(paths.code)} && cd ${sq(paths.dir)} || exit 1`,
    start,
  ].join('\n');
  return conn.run(`sh -c ${sq(script)}`, { stdin: tarStream(entries) });
}
