import * as vscode from 'vscode';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CanvasIntent } from '../../language-server/edits/intents.js';
import type { PipelineDiagnosticsParams, PipelineModelChangedParams } from '../../language-server/lsp/protocol.js';
import { BLOCK_SPECS } from '../../language-server/schema/property-schema.js';
import { placeNewNodes } from '../../webviews/canvas/layout/place-new.js';
import type { CanvasGraph, CanvasToHost, HostToCanvas, PipelineEdge, Positions, XY } from '../../webviews/canvas/protocol.js';
import { isCanvasToHost } from '../../webviews/canvas/protocol-guards.js';
import { firstSyntaxError, nodeAt, readersOf, toCanvasGraph } from './canvas-graph.js';
import { DocumentSender } from './document-sender.js';
import { PredictedModel } from './predicted-model.js';
import { withDiagnostics, withProblemsOf } from './graph-problems.js';
import type { LayoutService } from './layout-service.js';
import type { LayoutStore } from './layout-store.js';
import type { PipelineModelFeed } from './model-feed.js';
import type { RunStatusBoard } from './run-status-board.js';
import { webviewHtml, webviewOptions } from './webview-html.js';
import { trace, tracing } from '../../language-server/lsp/trace.js';

export interface SessionDeps {
  document: vscode.TextDocument;
  panel: vscode.WebviewPanel;
  extensionUri: vscode.Uri;
  feed: PipelineModelFeed;
  layout: LayoutStore;
  /** ELK in a worker thread, shared by every canvas. */
  layouts: LayoutService;
  runs: RunStatusBoard;
  log: vscode.LogOutputChannel;
}

/** How often a gesture is retried when the text changed between asking for edits and applying them. */
const ATTEMPTS = 3;
const MODEL_WAIT_MS = 2000;
/**
 * How long a canvas shows "Laying out…" before it draws the nodes placed simply. Longer than ELK's
 * first (cold) layout of 500 nodes on a busy machine, about 3 s at worst in the benchmarks.
 */
const LAYOUT_PATIENCE_MS = 5000;

/**
 * One canvas panel on one document. The text document is the model: gestures become a
 * WorkspaceEdit, and the canvas redraws from the language server's model of the new text, so undo,
 * dirty state, save, split editors and git all behave as for typing.
 */
export class CanvasSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly document: vscode.TextDocument;
  private webviewReady = false;
  /** The pushed model (the canvas's part), or the whole model first asked for, which has those fields too. */
  private latest: PipelineModelChangedParams | undefined;
  private lastGood: CanvasGraph | null = null;
  private lastSelected: string | null | undefined;
  private modelWaiters: (() => void)[] = [];
  private readonly sender = new DocumentSender();
  private disposed = false;
  /** The webview asked for a laid-out graph (it has no positions, or Auto-layout): the next document carries one. */
  private layoutWanted = false;
  /** A document waits for its layout: later models are posted when it is (the newest one, laid out or not). */
  private layingOut = false;
  /** The server's model of the text a gesture's edits give, until it is used or superseded. */
  private readonly prediction = new PredictedModel<PipelineModelChangedParams>();
  /** The version whose model came from a prediction (its own model then changes nothing). */
  private predictedVersion = -1;

  constructor(private readonly deps: SessionDeps) {
    this.document = deps.document;
  }

  get panel(): vscode.WebviewPanel {
    return this.deps.panel;
  }

  start(): void {
    const { panel, extensionUri, feed, layout, runs } = this.deps;
    const uri = this.document.uri;
    trace('host: canvas opened');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'canvas', `Canvas: ${uri.path.split('/').pop()}`);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      feed.watch(uri, { model: (r) => this.onModel(r), diagnostics: (p) => this.onDiagnostics(p) }),
      layout.onDidChange((positions) => this.post({ type: 'positions', positions })),
      runs.onDidChange((e) => {
        if (e.uri === uri.toString()) this.post({ type: 'runStatus', update: e.update });
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onTextSelection(e)),
    );
    if (tracing) {
      this.disposables.push(vscode.workspace.onDidChangeTextDocument((e) => e.document === this.document && trace(`host: text changed v${e.document.version}`)));
    }
    feed.model(uri).then((r) => this.onModel(r), (e: unknown) => this.deps.log.warn(`canvas: no model for ${uri.toString()}: ${String(e)}`));
  }

  /** A command from the editor title or palette, carried out by the canvas. */
  command(command: 'autoLayout' | 'fitView'): void {
    this.post({ type: 'command', command });
  }

  private post(message: HostToCanvas): void {
    if (this.webviewReady && !this.disposed) void this.deps.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    if (!isCanvasToHost(raw)) {
      this.deps.log.warn(`canvas: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const message: CanvasToHost = raw;
    switch (message.type) {
      case 'ready':
        this.layoutWanted = message.layout === true;
        return this.onReady();
      case 'layout':
        this.layoutWanted = true;
        if (this.latest) this.postDocument();
        return;
      case 'intent':
        trace('host: intent received');
        return void this.gesture([message.intent], message.at);
      case 'delete': return void this.delete(message.nodes, message.edges);
      case 'reveal': return void this.reveal(message.id, message.openText);
      case 'moved': return this.deps.layout.move(message.positions);
      case 'resetLayout': return this.deps.layout.reset();
      case 'timing':
        this.deps.log.info(`canvas ${message.name}: ${message.ms.toFixed(1)} ms (${message.nodes} nodes) ${this.document.uri.path.split('/').pop()}`);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled canvas message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** The handshake: the webview listens now (it also says so again after being hidden and shown). */
  private onReady(): void {
    trace('host: webview ready');
    this.webviewReady = true;
    this.sender.reset();
    this.post({
      type: 'init',
      fileName: this.document.uri.path.split('/').pop() ?? '',
      schemas: [...BLOCK_SPECS],
      positions: this.deps.layout.get(),
      readOnly: vscode.workspace.fs.isWritableFileSystem(this.document.uri.scheme) === false,
    });
    if (this.latest) this.postDocument();
    const run = this.deps.runs.snapshot(this.document.uri);
    if (run) this.post({ type: 'runStatus', update: run });
    this.lastSelected = undefined;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    if (editor) this.selectAt(editor.selection.active);
  }

  private onModel(result: PipelineModelChangedParams): void {
    if (result.predicted) {
      trace(`host: predicted model received v${result.version}`);
      const now = this.prediction.offer(result, this.document.version, this.latest?.version);
      if (now) this.usePrediction(now);
      return;
    }
    trace(`host: model received v${result.version}`);
    // Ranges of an older version would read the wrong text; the newer model is on its way.
    if (result.version !== this.document.version) return;
    this.prediction.superseded(result.version);
    // The document's own model of the text a used prediction was made from: one parser, one text, the
    // same model; its diagnostics follow as for any model.
    if (this.predictedVersion === result.version) return;
    this.latest = result;
    if (!result.hasSyntaxErrors) {
      const graph = toCanvasGraph(result, (r) => this.document.getText(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character)));
      this.lastGood = result.diagnosticsPending ? withProblemsOf(graph, this.lastGood) : graph;
      this.deps.layout.keepOnly(new Set(result.model.nodes.map((n) => n.id)));
      // Before the webview has even loaded: lay the graph out now, so it is ready when the webview is.
      // (A webview with saved positions does not ask for it; the worker's time is then spent for nothing.)
      if (!this.webviewReady) this.laidOut(this.lastGood).catch(() => undefined);
    }
    this.postDocument();
    // The cursor's block may have been worked out from an older model while the user typed: look again.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    if (editor) this.selectAt(editor.selection.active);
    const waiters = this.modelWaiters;
    this.modelWaiters = [];
    waiters.forEach((w) => w());
  }

  private usePrediction(model: PipelineModelChangedParams): void {
    this.onModel({ ...model, predicted: false });
    this.predictedVersion = model.version;
  }

  /** The diagnostics of a model that came before them: the badges catch up. */
  private onDiagnostics(p: PipelineDiagnosticsParams): void {
    trace(`host: diagnostics received v${p.version}`);
    const latest = this.latest;
    if (!latest || latest.version !== p.version || !latest.diagnosticsPending) return;
    this.latest = { ...latest, diagnostics: p.diagnostics, diagnosticsPending: false };
    if (this.lastGood) this.lastGood = withDiagnostics(this.lastGood, latest.model.nodes, p.diagnostics);
    this.postDocument('host: diagnostics posted');
  }

  /** `step` names the post in the round-trip trace (a model's graph, or its diagnostics after it). */
  private postDocument(step = 'host: document posted'): void {
    if (this.layingOut) return;
    if (this.layoutWanted && this.lastGood && this.webviewReady) return void this.postLaidOut(this.lastGood);
    this.postNow(step);
  }

  private postNow(step: string, layout?: Positions): void {
    if (!this.webviewReady || this.disposed) return;
    const r = this.latest!;
    const syntaxError = r.hasSyntaxErrors ? firstSyntaxError(r.diagnostics) ?? { message: 'syntax error', line: 0 } : undefined;
    const message = this.sender.message(r.version, this.lastGood, syntaxError, layout);
    if (!message) return;
    this.post(message);
    trace(step);
  }

  /**
   * Posts the newest document with the layout of `graph`. Models arriving meanwhile are not posted
   * separately: the newest goes with the layout, and the webview places nodes the layout lacks.
   */
  private async postLaidOut(graph: CanvasGraph): Promise<void> {
    this.layingOut = true;
    let layout: Positions;
    try {
      trace('host: layout requested');
      const laid = await this.deps.layouts.layoutWithin(graph, LAYOUT_PATIENCE_MS);
      trace(laid.late ? 'host: layout late' : 'host: layout done');
      layout = laid.positions;
      // Readable now rather than a blank canvas for many seconds; ELK's layout is kept once done.
      if (laid.late) this.notice(`Laying out these ${graph.nodes.length} nodes is taking long, so they are placed simply for now. Auto-layout applies the full layout once it is ready.`, 'info');
    } catch (e) {
      // Readable, if not as tidy: each node right of its inputs (as for nodes added later).
      this.deps.log.warn(`canvas: layout failed, placing nodes simply: ${String(e)}`);
      layout = placeNewNodes(graph, {});
    } finally {
      this.layingOut = false;
    }
    if (this.disposed) return;
    this.layoutWanted = false;
    this.postNow('host: document posted', layout);
  }

  private async laidOut(graph: CanvasGraph): Promise<Positions> {
    trace('host: layout requested');
    const layout = await this.deps.layouts.layout(graph);
    trace('host: layout done');
    return layout;
  }

  private nextModel(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, MODEL_WAIT_MS);
      this.modelWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notice(message: string, severity: 'error' | 'info' = 'error'): void {
    this.post({ type: 'notice', severity, message });
  }

  /** One gesture → one WorkspaceEdit (one undo step). */
  private async gesture(intents: CanvasIntent[], at?: XY): Promise<void> {
    if (this.latest?.hasSyntaxErrors) return this.notice('Edits from the canvas are paused until the text parses again.', 'info');
    if (intents.length === 1 && intents[0].type === 'rename') return this.rename(intents[0].id, intents[0].newName);
    const uri = this.document.uri.toString();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const version = this.document.version;
      let result;
      try {
        result = await this.deps.feed.applyIntents({ uri, version, intents });
      } catch (e) {
        return this.notice(`The language server could not apply that: ${String(e)}`);
      }
      trace('host: edits received');
      if (result.stale || this.document.version !== version) {
        await this.nextModel();
        continue;
      }
      if (result.error) return this.notice(result.error);
      if (!result.edits.length) return;
      const added = intents[0].type === 'addNode' ? result.name : undefined;
      // Placed before the text changes, so the new node appears where it was dropped.
      if (added && at) this.deps.layout.move({ [added]: at });
      const edit = new vscode.WorkspaceEdit();
      edit.set(this.document.uri, result.edits.map((e) => new vscode.TextEdit(
        new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText)));
      const expected = TextDocument.applyEdits(TextDocument.create(uri, 'mlpipe', version, this.document.getText()), result.edits);
      trace('host: applying edit');
      const applied = await vscode.workspace.applyEdit(edit);
      trace('host: edit applied');
      if (!applied) return this.notice('VS Code did not apply the edit (is the file read-only?).');
      // The server's model of the edited text fits only if nothing else changed the text meanwhile.
      const exact = this.document.version === version + 1 && this.document.getText() === expected;
      const now = this.prediction.confirm(this.document.version, exact, this.latest?.version);
      if (now) this.usePrediction(now);
      return;
    }
    this.notice('The text kept changing while the canvas edited it; try again.');
  }

  private async delete(nodes: string[], edges: PipelineEdge[]): Promise<void> {
    const model = this.latest?.model;
    if (!model) return;
    const gone = new Set(nodes);
    const readers = readersOf(model, nodes);
    if (readers.length) {
      const what = nodes.length === 1 ? `'${nodes[0]}'` : `${nodes.length} nodes`;
      const list = readers.map((r) => `'${r}'`).join(', ');
      const choice = await vscode.window.showWarningMessage(
        `Delete ${what}? ${list} ${readers.length === 1 ? 'reads' : 'read'} from ${nodes.length === 1 ? 'it' : 'them'}: those references are removed too.`,
        { modal: true },
        'Delete',
      );
      if (choice !== 'Delete') return;
    }
    const intents: CanvasIntent[] = [
      ...nodes.map((id): CanvasIntent => ({ type: 'deleteNode', id })),
      // Edges into or out of a deleted node go with it (its block, or the references deleteNode removes).
      ...edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)).map((edge): CanvasIntent => ({ type: 'disconnect', edge })),
    ];
    await this.gesture(intents);
  }

  /** Rename through the language server's own rename, exactly as F2 in the text does. */
  private async rename(id: string, newName: string): Promise<void> {
    const node = this.latest?.model.nodes.find((n) => n.id === id);
    if (!node) return this.notice(`'${id}' is not in the pipeline any more.`);
    const at = new vscode.Position(node.nameRange.start.line, node.nameRange.start.character);
    let edit: vscode.WorkspaceEdit | undefined;
    try {
      edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', this.document.uri, at, newName);
    } catch (e) {
      return this.notice(e instanceof Error ? e.message : String(e));
    }
    if (!edit || edit.size === 0) return this.notice(`'${id}' cannot be renamed here.`);
    this.deps.layout.rename(id, newName);
    if (!(await vscode.workspace.applyEdit(edit))) this.notice('VS Code did not apply the rename.');
  }

  /** Selects the node's block in the text editor showing this document (opening one if asked). */
  private async reveal(id: string, openText: boolean): Promise<void> {
    const node = this.latest?.model.nodes.find((n) => n.id === id);
    if (!node) return;
    let editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    if (!editor && openText) editor = await vscode.window.showTextDocument(this.document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    if (!editor) return;
    const { start, end } = node.range;
    this.lastSelected = id;
    editor.selection = new vscode.Selection(end.line, end.character, start.line, start.character);
    editor.revealRange(new vscode.Range(start.line, start.character, start.line, start.character), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /**
   * The cursor moved in a text editor of this document: by keyboard, mouse or a command such as Go to
   * Line. Our own reveal moves it too, but into the node already selected, so nothing is sent back.
   */
  private onTextSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor.document !== this.document) return;
    this.selectAt(e.selections[0].active);
  }

  private selectAt(position: vscode.Position): void {
    if (!this.latest) return;
    const id = nodeAt(this.latest.model.nodes, position)?.id ?? null;
    if (id === this.lastSelected) return;
    this.lastSelected = id;
    this.post({ type: 'select', id });
  }

  dispose(): void {
    this.disposed = true;
    this.modelWaiters.forEach((w) => w());
    this.disposables.forEach((d) => d.dispose());
  }
}
