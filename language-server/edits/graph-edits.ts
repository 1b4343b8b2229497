import { GrammarUtils, type AstNode } from 'langium';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as ast from '../generated/ast.js';
import { analyze } from '../analysis/analysis.js';
import { isBlock, specOf, type Block } from '../analysis/blocks.js';
import { occurrences } from '../lsp/locate.js';
import type { EdgeRole, NodeKind, PipelineEdge, PipelineModel } from '../model/pipeline-model.js';
import { blockSpec } from '../schema/property-schema.js';
import type { CanvasIntent, IntentResult } from './intents.js';
import { insertPropertyEdit, lineEnd, lineIndent, removeNodeEdit } from './text-edits.js';
import { valueToText } from './value-text.js';

type Edit = IntentResult['edits'][number];
type Pos = Edit['range']['start'];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The property of a block that holds an edge of each role. */
const PROPERTY_OF_ROLE: Record<EdgeRole, string> = {
  input: 'inputs', from: 'from', labels: 'labels', feature: 'features', model: 'model', data: 'data', evaluation: 'evaluation',
  reference: 'reference', current: 'current', retrain: 'retrain',
};

const LIST_PROPERTIES = new Set(['inputs', 'features']);

/**
 * Turns a canvas intent into the smallest text edits that make the pipeline say it. Edits touch only
 * the lines concerned, so comments and formatting elsewhere survive, and VS Code's undo sees one
 * ordinary text change.
 */
export function editsForIntent(root: ast.Document, doc: TextDocument, intent: CanvasIntent): IntentResult {
  const ctx = new EditContext(root, doc);
  switch (intent.type) {
    case 'addNode': return ctx.addNode(intent.kind, intent.stepKind, intent.name);
    case 'connect': return ctx.connect(intent.from, intent.fromPort, intent.to, intent.toProperty);
    case 'disconnect': return ctx.disconnect(intent.edge);
    case 'deleteNode': return ctx.deleteNode(intent.id);
    case 'setProperty': return ctx.setProperty(intent.id, intent.key, intent.value === null ? null : valueToText(intent.value));
    case 'setPropertyText': return ctx.setProperty(intent.id, intent.key, intent.text.trim() === '' ? null : intent.text.trim());
    case 'rename': return ctx.rename(intent.id, intent.newName);
  }
}

class EditContext {
  private readonly model: PipelineModel;
  private readonly indentUnit: string;

  constructor(private readonly root: ast.Document, private readonly doc: TextDocument) {
    this.model = analyze(root).model;
    this.indentUnit = /\n([ \t]+)\S/.exec(doc.getText())?.[1] ?? '  ';
  }

  // ---- intents ----

  addNode(kind: NodeKind, stepKind: string | undefined, wanted: string | undefined): IntentResult {
    const pipeline = this.root.pipelines[0];
    if (!pipeline?.$cstNode) return fail('the file has no pipeline block to add to');
    if (kind === 'step' && !stepKind) return fail('a step needs a kind (python, sql, ...)');
    const name = wanted ?? this.uniqueName(stepKind ?? kind);
    if (!NAME.test(name)) return fail(`'${name}' is not a valid name`);
    if (analyze(this.root).symbols.members.has(name)) return fail(`'${name}' is already declared`);
    const spec = blockSpec(kind, kind === 'step' ? stepKind : undefined);
    if (!spec) return fail(`unknown ${kind === 'step' ? 'step kind' : 'block kind'} '${stepKind ?? kind}'`);
    const indent = this.indentOf(pipeline) + this.indentUnit;
    const inner = indent + this.indentUnit;
    const keyword = kind === 'features' ? 'features' : kind;
    const header = kind === 'step' ? `step ${name}: ${stepKind} {` : `${keyword} ${name} {`;
    const body = spec.properties.filter((p) => p.required).map((p) => `${inner}${p.key} ${personalise(p.example, name).split('\n').join(`\n${inner}`)}`);
    if (spec.oneOf) {
      const first = spec.properties.find((p) => p.key === spec.oneOf![0])!;
      body.push(`${inner}${first.key} ${personalise(first.example, name)}`);
    }
    const block = body.length ? `${indent}${header}\n${body.join('\n')}\n${indent}}` : `${indent}${header}}`;
    // After the last block of the same kind keeps the file grouped; else at the end of the pipeline.
    const sameKind = pipeline.members.filter((m) => isBlock(m) && kindOf(m) === kind && m.$cstNode);
    const after = sameKind[sameKind.length - 1];
    if (after) {
      const end = this.lineEnd(after.$cstNode!.range.end.line);
      return { name, edits: [{ range: { start: end, end }, newText: `\n\n${block}` }] };
    }
    const close = pipeline.$cstNode.range.end;
    const closeLine = { line: close.line, character: 0 };
    const beforeClose = this.doc.getText({ start: closeLine, end: { line: close.line, character: close.character - 1 } });
    if (/^\s*$/.test(beforeClose) && close.line > pipeline.$cstNode.range.start.line) {
      const blank = pipeline.members.length ? '\n' : '';
      return { name, edits: [{ range: { start: closeLine, end: closeLine }, newText: `${blank}${block}\n` }] };
    }
    const bracePos = { line: close.line, character: close.character - 1 };
    return { name, edits: [{ range: { start: bracePos, end: bracePos }, newText: `\n${block}\n${this.indentOf(pipeline)}` }] };
  }

  connect(from: string, fromPort: string | undefined, to: string, toProperty: string | undefined): IntentResult {
    const source = this.model.nodes.find((n) => n.id === from);
    const target = this.model.nodes.find((n) => n.id === to);
    const block = this.block(to);
    if (!source || !target || !block) return fail(`unknown node '${!source ? from : to}'`);
    if (from === to) return fail('a node cannot read from itself');
    if (this.reaches(to, from)) return fail(`connecting ${from} → ${to} would create a cycle (${to} already feeds ${from})`);
    const key = toProperty ?? this.propertyFor(source.kind, source.kind === 'step' ? source.stepKind : undefined, fromPort, target.kind, block);
    if (!key) return fail(`a ${target.kind.replace('_', ' ')} cannot take input from a ${source.kind.replace('_', ' ')}`);
    const spec = specOf(block)?.properties.find((p) => p.key === key);
    if (!spec) return fail(`a ${target.kind.replace('_', ' ')} has no property '${key}'`);
    let ref = fromPort ? `${from}.${fromPort}` : from;
    if (key === 'features' && source.kind === 'features' && !fromPort) ref = `${from}.*`;
    if (target.kind === 'deploy' && key === 'model') ref = `${from}@champion`;
    if (LIST_PROPERTIES.has(key)) return this.addToList(block, key, ref);
    return this.setProperty(to, key, ref);
  }

  disconnect(edge: PipelineEdge): IntentResult {
    const block = this.block(edge.to);
    if (!block) return fail(`unknown node '${edge.to}'`);
    const key = PROPERTY_OF_ROLE[edge.role];
    const prop = block.props.find((p) => p.key === key);
    if (!prop) return fail(`'${edge.to}' has no ${key}`);
    const matches = (r: ast.Ref) => r.path[0] === edge.from && (edge.fromPort === undefined || r.path[1] === edge.fromPort || (r.path.length === 1));
    if (ast.isListValue(prop.value)) {
      const items = prop.value.items.filter((i): i is ast.Ref => ast.isRef(i) && matches(i));
      if (!items.length) return fail(`'${edge.to}' does not read from '${edge.from}'`);
      if (items.length === prop.value.items.length) return { edits: [removeNodeEdit(this.doc, prop)] };
      return { edits: items.map((i) => this.removeListItem(prop.value as ast.ListValue, i)) };
    }
    if (ast.isRef(prop.value) && matches(prop.value)) return { edits: [removeNodeEdit(this.doc, prop)] };
    return fail(`'${edge.to}' does not read from '${edge.from}'`);
  }

  deleteNode(id: string): IntentResult {
    const block = this.block(id);
    if (!block?.$cstNode) return fail(`unknown node '${id}'`);
    const edits: Edit[] = [removeNodeEdit(this.doc, block, true)];
    for (const e of this.model.edges.filter((x) => x.from === id)) {
      const r = this.disconnect(e);
      edits.push(...r.edits);
    }
    return { edits: dedupe(edits) };
  }

  setProperty(id: string, key: string, valueText: string | null): IntentResult {
    const block = this.block(id) ?? this.root.targets.find((t) => t.name === id);
    if (!block?.$cstNode) return fail(`unknown node '${id}'`);
    const prop = block.props.find((p) => p.key === key);
    if (valueText === null) return prop ? { edits: [removeNodeEdit(this.doc, prop)] } : { edits: [] };
    if (prop?.value?.$cstNode) {
      const r = prop.value.$cstNode.range;
      return { edits: [{ range: r, newText: this.reindent(valueText, prop) }] };
    }
    return { edits: [insertPropertyEdit(this.doc, block, this.indentUnit, `${key} ${valueText}`)] };
  }

  rename(id: string, newName: string): IntentResult {
    if (!NAME.test(newName)) return fail(`'${newName}' is not a valid name`);
    const { symbols } = analyze(this.root);
    const decl = symbols.members.get(id) ?? symbols.targets.get(id);
    if (!decl || decl.builtin) return fail(`unknown node '${id}'`);
    const clash = (decl.kind === 'target' ? symbols.targets : symbols.members).get(newName);
    if (clash && clash !== decl) return fail(`'${newName}' is already declared`);
    return { edits: occurrences(symbols, decl, true).map((range) => ({ range, newText: newName })) };
  }

  // ---- helpers ----

  private block(id: string): Block | undefined {
    return this.root.pipelines[0]?.members.find((m): m is Block => isBlock(m) && m.name === id);
  }

  private uniqueName(base: string): string {
    const taken = analyze(this.root).symbols.members;
    for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** Whether `to` is already upstream of `from` (so from → to would close a loop). */
  private reaches(start: string, goal: string): boolean {
    const next = new Map<string, string[]>();
    for (const e of this.model.edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const n = stack.pop()!;
      if (n === goal) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(next.get(n) ?? []));
    }
    return false;
  }

  private propertyFor(fromKind: NodeKind, fromStepKind: string | undefined, fromPort: string | undefined, toKind: NodeKind, block: Block): string | undefined {
    const has = (key: string) => block.props.some((p) => p.key === key);
    switch (toKind) {
      case 'step':
        if (ast.isStep(block) && block.kind === 'evaluate') {
          if (fromKind === 'model') return 'model';
          if (fromKind === 'step' && fromPort && /model/i.test(fromPort)) return 'model';
          return has('model') || fromKind !== 'step' ? 'data' : 'model';
        }
        return fromKind === 'model' || fromKind === 'deploy' || fromKind === 'monitor' ? undefined : 'inputs';
      case 'features': return fromKind === 'source' || fromKind === 'features' || fromKind === 'step' ? 'from' : undefined;
      case 'training_set':
        if (fromKind === 'features') return 'features';
        return fromKind === 'source' || fromKind === 'step' ? 'labels' : undefined;
      case 'model':
        if (fromKind !== 'step') return undefined;
        return !fromPort && fromStepKind === 'evaluate' ? 'evaluation' : 'from';
      case 'deploy': return fromKind === 'model' ? 'model' : undefined;
      case 'monitor':
        if (fromKind === 'model') return 'retrain';
        return fromKind === 'source' || fromKind === 'training_set' || fromKind === 'step' ? (has('reference') ? 'current' : 'reference') : undefined;
      case 'source': return undefined;
    }
  }

  private addToList(block: Block, key: string, ref: string): IntentResult {
    const prop = block.props.find((p) => p.key === key);
    if (!prop) return { edits: [insertPropertyEdit(this.doc, block, this.indentUnit, `${key} [${ref}]`)] };
    const list = prop.value;
    if (ast.isRef(list)) {
      // `inputs events` (a single name) becomes a list.
      return { edits: [{ range: list.$cstNode!.range, newText: `[${list.$cstNode!.text}, ${ref}]` }] };
    }
    if (!ast.isListValue(list) || !list.$cstNode) return fail(`'${key}' of '${block.name}' is not a list`);
    if (list.items.some((i) => i.$cstNode?.text === ref)) return fail(`'${block.name}' already reads '${ref}'`);
    const close = GrammarUtils.findNodeForKeyword(list.$cstNode, ']');
    if (!close) return fail(`'${key}' of '${block.name}' is incomplete`);
    const last = list.items[list.items.length - 1];
    if (!last?.$cstNode) return { edits: [{ range: { start: close.range.start, end: close.range.start }, newText: ref }] };
    const multiline = list.$cstNode.range.start.line !== list.$cstNode.range.end.line;
    const at = last.$cstNode.range.end;
    const itemIndent = multiline ? this.lineIndent(last.$cstNode.range.start.line) : '';
    return { edits: [{ range: { start: at, end: at }, newText: multiline ? `,\n${itemIndent}${ref}` : `, ${ref}` }] };
  }

  private removeListItem(list: ast.ListValue, item: ast.Ref): Edit {
    const i = list.items.indexOf(item);
    const r = item.$cstNode!.range;
    // Take the separator with it: the one after the item, or before it for the last item.
    if (i < list.items.length - 1) {
      const next = list.items[i + 1].$cstNode!.range.start;
      return { range: { start: r.start, end: next }, newText: '' };
    }
    const prev = list.items[i - 1].$cstNode!.range.end;
    return { range: { start: prev, end: r.end }, newText: '' };
  }

  private reindent(valueText: string, prop: ast.Property): string {
    return valueText.split('\n').join(`\n${this.lineIndent(prop.$cstNode!.range.start.line)}`);
  }

  private indentOf(node: AstNode): string {
    return lineIndent(this.doc, node.$cstNode!.range.start.line);
  }

  private lineIndent(line: number): string {
    return lineIndent(this.doc, line);
  }

  private lineEnd(line: number): Pos {
    return lineEnd(this.doc, line);
  }
}

function kindOf(b: Block): NodeKind {
  return b.$type === 'Source' ? 'source' : b.$type === 'FeatureView' ? 'features' : b.$type === 'TrainingSet' ? 'training_set'
    : b.$type === 'Step' ? 'step' : b.$type === 'Model' ? 'model' : b.$type === 'Deployment' ? 'deploy' : 'monitor';
}

/** `"steps/step.py"` → `"steps/train_2.py"` for a new block named train_2. */
function personalise(example: string, name: string): string {
  return example.replace(/(steps|notebooks)\/step\./, `$1/${name}.`);
}

function fail(error: string): IntentResult {
  return { edits: [], error };
}

/** Deleting a node and the references to it can reach one line twice; keep each range once. */
function dedupe(edits: Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const k = JSON.stringify(e.range);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
