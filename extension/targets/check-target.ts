import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { PipelineModelResult } from '../../language-server/lsp/protocol.js';
import type { TargetModel } from '../../language-server/model/pipeline-model.js';
import type { TargetReport } from '../../runtime/remote/target-check.js';
import type { SshEnvironment } from '../../runtime/remote/ssh-options.js';

/** What the user is asked before an unknown host key is added to known_hosts. */
export interface TrustQuestion {
  hostEntry: string;
  keyType: string;
  fingerprint: string;
  knownHostsFile: string;
}

export interface CheckTargetOptions {
  /** SSH environment (HOME, user, agent) other than this process's: tests use a throw-away HOME. */
  env?: SshEnvironment;
  /** Asks whether to trust an unknown host key; by default a modal dialog showing the fingerprint. */
  confirmTrust?: (q: TrustQuestion) => Promise<boolean>;
}

type HostKey = NonNullable<NonNullable<TargetReport['error']>['hostKey']>;

/**
 * "MLPipe: Check Target": connects to an ssh or slurm target and reports what `mlpipe targets check`
 * does. An unknown host key is never accepted silently: the user sees its SHA256 fingerprint and decides;
 * on "Trust" it is added (hashed) to known_hosts, as OpenSSH does after its own prompt. A changed or
 * revoked key is an error with no way past it here. Needs a trusted workspace (it connects where the
 * workspace's file says).
 */
export class TargetChecks {
  constructor(
    private readonly model: (uri: vscode.Uri) => Promise<PipelineModelResult>,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable {
    return vscode.commands.registerCommand('mlpipe.checkTarget', async (uri?: vscode.Uri, name?: string) => {
      const doc = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!doc || !doc.path.endsWith('.mlpipe')) {
        void vscode.window.showInformationMessage('MLPipe: open a .mlpipe file to check one of its targets.');
        return undefined;
      }
      return this.check(doc, name);
    });
  }

  async check(uri: vscode.Uri, name?: string, options: CheckTargetOptions = {}): Promise<TargetReport | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('MLPipe connects to targets only in a trusted workspace (Restricted Mode is on).');
      return undefined;
    }
    const { model } = await this.model(uri);
    const remote = model.targets.filter((t) => t.kind === 'ssh' || t.kind === 'slurm');
    const target = name ? remote.find((t) => t.name === name) : await pick(remote);
    if (!target) {
      if (name) void vscode.window.showErrorMessage(`MLPipe: ${vscode.workspace.asRelativePath(uri)} has no ssh or slurm target '${name}'.`);
      else if (!remote.length) void vscode.window.showInformationMessage('MLPipe: this pipeline has no ssh or slurm targets.');
      return undefined;
    }
    const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
    let report = await this.connect(target, root, options.env);
    const hostKey = report.error?.code === 'host-key-unknown' ? report.error.hostKey : undefined;
    if (hostKey) {
      const question = { hostEntry: hostKey.hostEntry, keyType: hostKey.keyType, fingerprint: hostKey.fingerprint, knownHostsFile: hostKey.knownHostsFile };
      if (!(await (options.confirmTrust ?? askTrust)(question))) {
        this.output.info(`target ${target.name}: host key ${hostKey.fingerprint} of ${hostKey.hostEntry} not trusted`);
        return report;
      }
      await this.trust(hostKey);
      report = await this.connect(target, root, options.env);
    }
    this.show(report);
    return report;
  }

  private async connect(target: TargetModel, workspaceRoot: string, env: SshEnvironment | undefined): Promise<TargetReport> {
    const { checkTarget } = remoteTools();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLPipe: connecting to target ${target.name}…` },
      () => checkTarget(target, { workspaceRoot, env }),
    );
  }

  private async trust(k: HostKey): Promise<void> {
    const { trustHostKey } = remoteTools();
    trustHostKey(k.knownHostsFile, k.host, k.port, k.publicKey, { hash: true });
    this.output.info(`target host key ${k.keyType} ${k.fingerprint} of ${k.hostEntry} added to ${k.knownHostsFile}`);
  }

  private show(r: TargetReport): void {
    if (!r.ok) {
      this.output.error(`target ${r.name} (${r.where}): ${r.error?.message ?? 'unusable'}`);
      void vscode.window.showErrorMessage(`MLPipe: target ${r.name}: ${r.error?.message ?? 'cannot be used'}`);
      return;
    }
    const gpus = r.gpus.length ? `${r.gpus.length} GPU${r.gpus.length > 1 ? 's' : ''} (${r.gpus[0].name})` : 'no GPUs';
    const disk = r.freeDiskBytes === undefined ? '' : `, ${(r.freeDiskBytes / 2 ** 30).toFixed(1)} GiB free`;
    const partitions = r.partitions?.length ? `, partitions ${r.partitions.map((p) => p.name).join(', ')}` : '';
    const summary = `target ${r.name} (${r.where}): connected in ${r.connectMs} ms; ${r.os ?? 'unknown OS'}; ${gpus}${disk}${partitions}`;
    this.output.info(summary);
    for (const w of r.warnings) this.output.warn(`target ${r.name}: ${w}`);
    void vscode.window.showInformationMessage(`MLPipe: ${summary}`);
  }
}

/** Loads dist/remote-tools.cjs on first use (a separate bundle: see remote-tools.ts). */
function remoteTools(): typeof import('./remote-tools.js') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle beside this one, loaded lazily on purpose
  return require(join(__dirname, 'remote-tools.cjs')) as typeof import('./remote-tools.js');
}

async function pick(targets: TargetModel[]): Promise<TargetModel | undefined> {
  if (targets.length <= 1) return targets[0];
  const chosen = await vscode.window.showQuickPick(
    targets.map((t) => ({ label: t.name, description: t.kind, detail: String(t.options.host ?? t.options.login ?? ''), target: t })),
    { placeHolder: 'Which target?' },
  );
  return chosen?.target;
}

async function askTrust(q: TrustQuestion): Promise<boolean> {
  const trust = 'Trust Host Key';
  const answer = await vscode.window.showWarningMessage(
    `MLPipe has never connected to ${q.hostEntry}. Is this its key?`,
    {
      modal: true,
      detail: `${q.keyType} ${q.fingerprint}\n\nCompare this fingerprint with the one the host's administrator gives you (ssh-keygen -lf on the host). Trusting adds it to ${q.knownHostsFile}.`,
    },
    trust,
  );
  return answer === trust;
}
