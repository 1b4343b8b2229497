import { applyCanvasModelPatch } from '../../language-server/lsp/canvas-model-patch.js';
import type { CanvasModel, PipelineModelChangedParams, PipelineModelPushParams } from '../../language-server/lsp/protocol.js';

/**
 * The client's half of the pushed models (`PipelineModelPushParams`): keeps the last model of each
 * document and turns a patch against it back into the whole model. Every push goes through here in
 * the order sent, watched or not, so what is kept is always what the server last pushed: the server
 * starts a document again with a whole model after its last unsubscribe, and a patch sent before that
 * unsubscribe still finds its base. (One model per document a canvas was opened on in this session.)
 * Pure, for unit tests.
 */
export class ModelReceiver {
  private readonly last = new Map<string, { seq: number; model: CanvasModel }>();

  /** The whole model of a push; undefined for a patch whose base was never received (a server bug). */
  receive(push: PipelineModelPushParams): PipelineModelChangedParams | undefined {
    let model: CanvasModel;
    if (push.patch) {
      const last = this.last.get(push.uri);
      if (last?.seq !== push.base) return undefined;
      model = applyCanvasModelPatch(last.model, push.patch);
    } else model = push.model;
    this.last.set(push.uri, { seq: push.seq, model });
    const { seq: _seq, patch: _patch, base: _base, ...rest } = push as PipelineModelPushParams & { base?: number };
    return { ...rest, model };
  }

  /** A new server: it numbers its pushes afresh and starts each document with a whole model. */
  clear(): void {
    this.last.clear();
  }
}
