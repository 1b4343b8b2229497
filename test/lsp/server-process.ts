import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams, InitializeResult } from 'vscode-languageserver-protocol';

/**
 * The bundled language server (dist/server.cjs) in its own process, spoken to over stdio exactly as
 * an editor would. Used by the protocol tests and the keystroke benchmark.
 */
export class ServerProcess {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly diagnosticWaiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly stderr: string[] = [];
  latest = new Map<string, PublishDiagnosticsParams>();

  /** `ipc`: Node's IPC channel, as VS Code's language client starts the server (extension/language-client.ts). */
  constructor(serverPath = resolve('dist/server.cjs'), transport: 'stdio' | 'ipc' = 'stdio') {
    if (transport === 'ipc') {
      this.child = spawn(process.execPath, ['--max-semi-space-size=32', serverPath, '--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
      this.connection = createMessageConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child));
    } else {
      this.child = spawn(process.execPath, ['--max-semi-space-size=32', serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    }
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      for (const w of [...this.diagnosticWaiters]) {
        if (w.uri === p.uri && w.test(p)) {
          this.diagnosticWaiters.splice(this.diagnosticWaiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    // The server asks for configuration and registers capabilities; answer like a minimal editor.
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  async initialize(rootUri: string | null = null, initializationOptions?: unknown): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid, rootUri, capabilities: { textDocument: { publishDiagnostics: {}, completion: { completionItem: { snippetSupport: true } } } },
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'workspace' }] : null, initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the next diagnostics for `uri` that satisfy `test` (or the latest, if they already do). */
  diagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 15_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`)), timeoutMs);
      this.diagnosticWaiters.push({ uri, test, resolve: (p) => { clearTimeout(timer); resolvePromise(p); } });
    });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mlpipe', version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
