/**
 * The language server's model of the text a canvas gesture's edit gives (`predicted` in
 * language-server/lsp/protocol.ts), which comes while the editor is still applying the edit. The
 * canvas may redraw from it only once the edit is applied and the document's text is exactly the text
 * the server predicted from (nothing else edited it meanwhile): then it is the model of that text,
 * only sooner than the document's own change brings it. Pure, for unit tests.
 */
export class PredictedModel<M extends { version: number }> {
  private model: M | undefined;
  /** The document version whose text the canvas's last edit gave, exactly as predicted. */
  private confirmed = -1;

  /** The server's prediction came; returns it if it can be used now. */
  offer(model: M, documentVersion: number, latestVersion: number | undefined): M | undefined {
    this.model = model;
    return this.take(documentVersion, latestVersion);
  }

  /**
   * The canvas's edit is applied: the document is at `version`, and `exact` says whether its text is
   * the one the edits give (the predicted text). Returns the prediction if it came already.
   */
  confirm(version: number, exact: boolean, latestVersion: number | undefined): M | undefined {
    if (!exact) return undefined;
    this.confirmed = version;
    return this.take(version, latestVersion);
  }

  /** The model of the document's own change at `version` came: a prediction up to it is moot. */
  superseded(version: number): void {
    if (this.model && this.model.version <= version) this.model = undefined;
  }

  private take(documentVersion: number, latestVersion: number | undefined): M | undefined {
    const m = this.model;
    if (!m || m.version !== this.confirmed || m.version !== documentVersion) return undefined;
    this.model = undefined;
    return latestVersion !== undefined && latestVersion >= m.version ? undefined : m;
  }
}
