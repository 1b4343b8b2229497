import { hostname } from 'node:os';
import type { Resources, Scalar, TargetModel } from '../../language-server/model/pipeline-model.js';
import { sdkDir } from '../sdk/locate.js';
import { defaultWorkdir } from './attempt-layout.js';
import { RemoteError } from './errors.js';
import { RemoteRunner } from './remote-runner.js';
import { SlurmLauncher } from './slurm-launcher.js';
import { SshLauncher } from './ssh-launcher.js';
import { defaultSshEnvironment, resolveConnectSpec, type SshEnvironment, type SshTargetOptions } from './ssh-options.js';

const str = (v: Scalar | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: Scalar | undefined) => (typeof v === 'number' ? v : undefined);

/** The SSH side of an ssh target, or of a slurm target's login host. */
export function sshOptionsOf(t: TargetModel): SshTargetOptions {
  const host = str(t.options.host) ?? str(t.options.login);
  if (!host) throw new RemoteError('config', `target ${t.name}: ${t.kind === 'slurm' ? 'login' : 'host'} is required`);
  return {
    host,
    user: str(t.options.user),
    port: num(t.options.port),
    identity: str(t.options.identity),
    proxyJump: str(t.options.proxy_jump),
    // Durations arrive in milliseconds from the model.
    connectTimeoutMs: num(t.options.connect_timeout),
  };
}

export interface RemoteTargetContext {
  workspaceRoot: string;
  /** The store's tmp folder (attempt records of earlier runs live there). */
  spoolRoot?: string;
  /** The local store's state folder (hash memory, objects known per host). */
  stateDir?: string;
  /** `mlpipe attach`: the run whose remote attempts are adopted. */
  adoptRun?: string;
  /** A step's resources (slurm: sbatch options; both: the GPU check). */
  resourcesOf?: (step: string) => Resources;
  env?: SshEnvironment;
}

export function isRemoteKind(kind: string): kind is 'ssh' | 'slurm' {
  return kind === 'ssh' || kind === 'slurm';
}

/** A runner for a `target NAME: ssh` or `slurm` block. Nothing connects until a step starts. */
export function remoteRunnerFor(t: TargetModel, ctx: RemoteTargetContext): RemoteRunner {
  if (!isRemoteKind(t.kind)) throw new RemoteError('config', `target ${t.name} is a ${t.kind} target`);
  const connect = resolveConnectSpec(sshOptionsOf(t), ctx.env ?? defaultSshEnvironment());
  const launcher = t.kind === 'slurm'
    ? new SlurmLauncher({ partition: str(t.options.partition), account: str(t.options.account), qos: str(t.options.qos), gres: str(t.options.gres) })
    : new SshLauncher();
  return new RemoteRunner({
    target: t.name,
    connect,
    launcher,
    workdir: str(t.options.workdir) ?? defaultWorkdir(ctx.workspaceRoot, hostname()),
    setup: str(t.options.setup),
    slots: num(t.options.max_parallel),
    sdkDir: sdkDir(),
    adoptRun: ctx.adoptRun,
    spoolRoot: ctx.spoolRoot,
    resourcesOf: ctx.resourcesOf,
    stateDir: ctx.stateDir,
  });
}
