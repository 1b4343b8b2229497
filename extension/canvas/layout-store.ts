import * as vscode from 'vscode';
import type { Positions } from '../../webviews/canvas/protocol.js';
import { LAYOUT_SUFFIX, parseLayout, serializeLayout } from './layout-format.js';

const WRITE_DELAY_MS = 300;

/**
 * Hand-placed node positions of one pipeline, shared by every canvas open on it, persisted in the
 * sidecar file (see docs/canvas.md for why not in the .mlpipe text). Documents that cannot have a
 * sidecar (untitled, read-only schemes such as git:) keep positions in memory only.
 */
export class LayoutStore implements vscode.Disposable {
  private positions: Positions = {};
  /** Node ids of the latest model: positions of other ids are dropped when the file is written. */
  private existing: ReadonlySet<string> | undefined;
  private lastWritten: string | undefined;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<Positions>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly file: vscode.Uri | undefined;
  /** Fires whenever the positions change: a drag, a rename, Auto-layout, or the file changed on disk. */
  readonly onDidChange = this.changed.event;
  readonly loaded: Promise<void>;

  constructor(document: vscode.Uri) {
    const writable = document.scheme !== 'untitled' && vscode.workspace.fs.isWritableFileSystem(document.scheme) !== false;
    this.file = writable ? document.with({ path: `${document.path}${LAYOUT_SUFFIX}` }) : undefined;
    this.loaded = this.read();
    if (this.file && document.scheme === 'file') {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(this.file, '..'), this.file.path.split('/').pop()!));
      this.disposables.push(watcher, watcher.onDidChange(() => void this.reload()), watcher.onDidCreate(() => void this.reload()), watcher.onDidDelete(() => void this.reload()));
    }
  }

  get(): Positions {
    return this.positions;
  }

  /** Nodes moved by hand in a canvas; every canvas on the document is told (split editors). */
  move(moved: Positions): void {
    this.positions = { ...this.positions, ...moved };
    this.scheduleWrite();
    this.changed.fire(this.positions);
  }

  rename(from: string, to: string): void {
    const p = this.positions[from];
    if (!p) return;
    const { [from]: _, ...rest } = this.positions;
    this.positions = { ...rest, [to]: p };
    this.scheduleWrite();
    this.changed.fire(this.positions);
  }

  /** Forgets every hand-placed position (Auto-layout). */
  reset(): void {
    this.positions = {};
    this.scheduleWrite();
    this.changed.fire(this.positions);
  }

  /** Drops positions of nodes that no longer exist, when the file is next written. */
  keepOnly(ids: ReadonlySet<string>): void {
    this.existing = ids;
  }

  private scheduleWrite(): void {
    if (!this.file) return;
    clearTimeout(this.writeTimer);
    this.writeTimer = setTimeout(() => void this.write(), WRITE_DELAY_MS);
  }

  /** Writes pending positions now (on dispose, and by tests). */
  async flush(): Promise<void> {
    if (this.writeTimer === undefined) return;
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    await this.write();
  }

  private async write(): Promise<void> {
    this.writeTimer = undefined;
    if (!this.file) return;
    const existing = this.existing;
    const kept = existing ? Object.fromEntries(Object.entries(this.positions).filter(([id]) => existing.has(id))) : this.positions;
    const empty = Object.keys(kept).length === 0;
    try {
      if (empty) {
        // Nothing placed by hand: no file at all, rather than an empty one beside every pipeline.
        this.lastWritten = undefined;
        await vscode.workspace.fs.delete(this.file).then(undefined, () => undefined);
        return;
      }
      const text = serializeLayout(this.file.path.split('/').pop()!.slice(0, -LAYOUT_SUFFIX.length), kept);
      if (text === this.lastWritten) return;
      this.lastWritten = text;
      await vscode.workspace.fs.writeFile(this.file, new TextEncoder().encode(text));
    } catch (e) {
      console.warn(`MLPipe: could not write ${this.file.toString()}: ${String(e)}`);
    }
  }

  private async read(): Promise<void> {
    if (!this.file) return;
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file));
      this.lastWritten = text;
      this.positions = parseLayout(text);
    } catch {
      this.positions = {};
    }
  }

  private async reload(): Promise<void> {
    if (!this.file) return;
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file));
    } catch {
      text = undefined;
    }
    // Our own write coming back through the watcher changes nothing.
    if (text === this.lastWritten || (text === undefined && this.lastWritten === undefined)) return;
    this.lastWritten = text;
    this.positions = text === undefined ? {} : parseLayout(text);
    this.changed.fire(this.positions);
  }

  dispose(): void {
    void this.flush();
    this.disposables.forEach((d) => d.dispose());
  }
}
