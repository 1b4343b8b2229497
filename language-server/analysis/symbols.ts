import type { AstNode, CompositeCstNode, CstNode, LeafCstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import * as ast from '../generated/ast.js';
import type { NodeKind } from '../model/pipeline-model.js';
import { propertySpec, type RefKind } from '../schema/property-schema.js';
import { allTargets, blockKind, childRange, findProp, isBlock, nameRange, propertyRange, rangeOf, specOf, type AnyBlock, type Block } from './blocks.js';
import { didYouMean, suggest } from './did-you-mean.js';

export type DeclKind = 'param' | NodeKind | 'target' | 'output' | 'feature_column';

export interface Declaration {
  kind: DeclKind;
  name: string;
  /** `train.model` for outputs and feature columns, else the name. */
  qualifiedName: string;
  node: AstNode;
  nameRange: Range;
  /** Step or target kind. */
  subKind?: string;
  parent?: Declaration;
  /** The implicit `local` target. */
  builtin?: boolean;
}

export interface RefSegment {
  text: string;
  range: Range;
  target?: Declaration;
}

export interface ResolveError {
  code: string;
  message: string;
  range: Range;
  suggestions: string[];
  severity: 'error' | 'warning';
}

export interface Reference {
  ref: ast.Ref;
  expected: 'param' | readonly RefKind[];
  segments: RefSegment[];
  /** The node (block, param, target) the reference points at, even when a member is missing. */
  head?: Declaration;
  /** The most specific declaration reached (an output, a feature column, or the head). */
  resolved?: Declaration;
  error?: ResolveError;
  /** The block (or target) the reference is written in: `enclosingBlock(ref)`, found once. */
  owner?: AnyBlock;
}

const KIND_LABEL: Record<RefKind, string> = {
  source: 'source', features: 'feature view', training_set: 'training set', step: 'step', step_output: 'step output',
  model: 'model', evaluate_step: 'evaluate step', target: 'target', feature_column: 'feature', feature_view_all: 'feature view',
};

const DECL_LABEL: Record<DeclKind, string> = {
  param: 'param', source: 'source', features: 'feature view', training_set: 'training set', step: 'step', model: 'model',
  deploy: 'deployment', monitor: 'monitor', target: 'target', output: 'step output', feature_column: 'feature',
};

export function declLabel(kind: DeclKind): string {
  return DECL_LABEL[kind];
}

function describeKinds(kinds: readonly RefKind[]): string {
  const labels = [...new Set(kinds.map((k) => KIND_LABEL[k]))];
  if (labels.length === 1) return labels[0];
  if (labels.length <= 3) return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
  return 'name';
}

/** Declarations and resolved references of one `.mlpipe` document. */
export class SymbolTable {
  readonly members = new Map<string, Declaration>();
  readonly targets = new Map<string, Declaration>();
  /** Outputs (`step.out`) and feature columns (`view.col`) by qualified name. */
  readonly children = new Map<string, Declaration>();
  readonly duplicates: Declaration[] = [];
  readonly references: Reference[] = [];

  constructor(readonly document: ast.Document) {
    this.collectDeclarations();
    this.collectReferences();
  }

  /** Every declaration, in no particular order. */
  *declarations(): Iterable<Declaration> {
    yield* this.members.values();
    yield* this.targets.values();
    yield* this.children.values();
  }

  /**
   * Block-to-block dependencies: `to` reads `from` through some reference in its body. Derived from
   * the references, so checks need not build the full model.
   */
  dependencies(): { from: string; to: string }[] {
    const seen = new Set<string>();
    const out: { from: string; to: string }[] = [];
    for (const r of this.references) {
      const from = r.head;
      if (!from || from.kind === 'param' || from.kind === 'target') continue;
      const owner = r.owner;
      if (!owner || ast.isTarget(owner) || !owner.name || owner.name === from.name) continue;
      // An expectation's `in other.column` checks values; it does not order the pipeline.
      if (ast.isSource(owner)) continue;
      const key = `${from.name}\0${owner.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ from: from.name, to: owner.name });
      }
    }
    return out;
  }

  referencesTo(decl: Declaration): Reference[] {
    return this.references.filter((r) => r.segments.some((s) => s.target === decl));
  }

  declarationOf(node: AstNode): Declaration | undefined {
    const name = (node as { name?: unknown }).name;
    if (typeof name !== 'string') {
      for (const d of this.children.values()) if (d.node === node) return d;
      return undefined;
    }
    for (const map of [this.members, this.targets]) {
      const d = map.get(name);
      if (d?.node === node) return d;
    }
    return undefined;
  }

  outputsOf(step: Declaration): Declaration[] {
    return [...this.children.values()].filter((c) => c.parent === step && c.kind === 'output');
  }

  featuresOf(view: Declaration): Declaration[] {
    return [...this.children.values()].filter((c) => c.parent === view && c.kind === 'feature_column');
  }

  private add(map: Map<string, Declaration>, decl: Declaration): void {
    if (!decl.name) return;
    if (map.has(decl.qualifiedName)) this.duplicates.push(decl);
    else map.set(decl.qualifiedName, decl);
  }

  private collectDeclarations(): void {
    this.targets.set('local', {
      kind: 'target', name: 'local', qualifiedName: 'local', node: this.document, nameRange: rangeOf(undefined), subKind: 'local', builtin: true,
    });
    for (const t of allTargets(this.document)) {
      const decl: Declaration = { kind: 'target', name: t.name, qualifiedName: t.name, node: t, nameRange: nameRange(t), subKind: t.kind };
      if (this.targets.get(t.name)?.builtin) this.targets.set(t.name, decl);
      else this.add(this.targets, decl);
    }
    for (const pipeline of this.document.pipelines) {
      for (const m of pipeline.members) {
        if (ast.isTarget(m)) continue;
        const kind: DeclKind = ast.isParam(m) ? 'param' : blockKind(m);
        const decl: Declaration = {
          kind, name: m.name, qualifiedName: m.name, node: m, nameRange: nameRange(m), subKind: ast.isStep(m) ? m.kind : undefined,
        };
        this.add(this.members, decl);
        if (this.members.get(m.name) !== decl) continue;
        if (ast.isStep(m)) this.collectOutputs(m, decl);
        if (ast.isFeatureView(m)) {
          for (const c of m.columns) {
            this.add(this.children, { kind: 'feature_column', name: c.name, qualifiedName: `${m.name}.${c.name}`, node: c, nameRange: nameRange(c), parent: decl });
          }
        }
      }
    }
  }

  private collectOutputs(step: ast.Step, decl: Declaration): void {
    const outputs = findProp(step, 'outputs')?.value;
    if (!ast.isMapValue(outputs)) return;
    for (const e of outputs.entries) {
      this.add(this.children, { kind: 'output', name: e.key, qualifiedName: `${step.name}.${e.key}`, node: e, nameRange: childRange(e, e.key) ?? propertyRange(e, 'key'), parent: decl });
    }
  }

  private collectReferences(): void {
    for (const pipeline of this.document.pipelines) {
      for (const m of pipeline.members) {
        if (!isBlock(m) && !ast.isTarget(m)) continue;
        const start = this.references.length;
        this.collectBlockRefs(m);
        if (ast.isSource(m)) for (const e of m.expectations) this.collectExpectationRefs(e);
        this.setOwner(start, m);
      }
    }
    for (const t of this.document.targets) {
      const start = this.references.length;
      this.collectBlockRefs(t);
      this.setOwner(start, t);
    }
  }

  private setOwner(start: number, owner: AnyBlock): void {
    for (let i = start; i < this.references.length; i++) this.references[i].owner = owner;
  }

  private collectBlockRefs(block: AnyBlock): void {
    const spec = specOf(block);
    for (const p of block.props) {
      const ps = propertySpec(spec, p.key);
      if (!ps) {
        this.paramRefsIn(p.value);
        continue;
      }
      const v = p.value;
      switch (ps.value.type) {
        case 'ref':
          if (ast.isRef(v)) this.resolveNodeRef(v, ps.value.kinds);
          break;
        case 'refs':
          if (ast.isRef(v)) this.resolveNodeRef(v, ps.value.kinds);
          else if (ast.isListValue(v)) for (const item of v.items) if (ast.isRef(item)) this.resolveNodeRef(item, ps.value.kinds);
          break;
        case 'gate':
          if (ast.isComparison(v)) this.paramRefsIn(v.right);
          break;
        case 'params':
        case 'resources':
          if (ast.isMapValue(v)) for (const e of v.entries) this.paramRefsIn(e.value);
          break;
        case 'int': case 'number': case 'duration': case 'size': case 'string': case 'path': case 'bool':
          this.paramRefsIn(v);
          break;
        default:
          break;
      }
    }
  }

  private collectExpectationRefs(e: ast.Expectation): void {
    const c = e.check;
    const range = ast.isRowCountCheck(c) || ast.isCallCheck(c) ? c.range : ast.isColumnCheck(c) && ast.isRangePredicate(c.predicate) ? c.predicate.range
      : ast.isColumnCheck(c) && ast.isLengthCheck(c.predicate) ? c.predicate.range : undefined;
    if (ast.isBetween(range)) { this.paramRefsIn(range.min); this.paramRefsIn(range.max); }
    if (ast.isBound(range)) this.paramRefsIn(range.value);
    if (ast.isColumnCheck(c) && ast.isInSet(c.predicate) && c.predicate.ref) this.resolveNodeRef(c.predicate.ref, ['source', 'step_output']);
  }

  /** A bare name where a literal is expected is a pipeline param. */
  private paramRefsIn(v: AstNode | undefined): void {
    if (!ast.isRef(v)) return;
    const segments = this.segmentsOf(v);
    const reference: Reference = { ref: v, expected: 'param', segments };
    const decl = this.members.get(v.path[0]);
    if (decl?.kind === 'param' && v.path.length === 1) {
      segments[0].target = decl;
      reference.head = reference.resolved = decl;
    } else {
      const params = [...this.members.values()].filter((d) => d.kind === 'param').map((d) => d.name);
      const s = suggest(v.path[0], params);
      reference.error = {
        code: 'unresolved-reference', severity: 'error', range: segments[0].range, suggestions: s,
        message: decl ? `'${v.path[0]}' is a ${declLabel(decl.kind)}, not a param; write a value or a param name here` : `unknown param '${v.path.join('.')}'${didYouMean(s)}`,
      };
    }
    this.references.push(reference);
  }

  /**
   * `a.b@c`: the tokens are name, '.', name, '@', alias; segments are the names before '@'. A leaf's
   * text is compared in place in the document's text (`CstNode.text` walks up to the root and copies
   * a substring, for each of the large file's thousands of reference segments).
   */
  private segmentsOf(ref: ast.Ref): RefSegment[] {
    const names: CstNode[] = [];
    if (ref.$cstNode) nameLeavesOf(ref.$cstNode, names);
    const fullText = this.fullText;
    return ref.path.map((text, i) => {
      const leaf = names[i];
      const same = leaf && leaf.length === text.length && (fullText === undefined ? leaf.text === text : fullText.startsWith(text, leaf.offset));
      return { text, range: same ? leaf.range : rangeOf(ref) };
    });
  }

  /** The parsed text, when the document has a CST (it always has after a parse). */
  private get fullText(): string | undefined {
    return this.document.$cstNode?.root.fullText;
  }

  private resolveNodeRef(ref: ast.Ref, kinds: readonly RefKind[]): void {
    const segments = this.segmentsOf(ref);
    const reference: Reference = { ref, expected: kinds, segments };
    this.references.push(reference);
    const [head, member] = ref.path;
    const fail = (code: string, message: string, range: Range, suggestions: string[] = [], severity: 'error' | 'warning' = 'error') => {
      reference.error = { code, message, range, suggestions, severity };
    };

    if (kinds.includes('target')) {
      const t = this.targets.get(head);
      if (!t) {
        const s = suggest(head, this.targets.keys());
        return fail('unknown-target', `unknown target '${head}'${didYouMean(s)}`, segments[0].range, s);
      }
      segments[0].target = reference.head = reference.resolved = t;
      return;
    }

    const decl = this.members.get(head);
    if (!decl || decl.kind === 'param') {
      const candidates = [...this.members.values()].filter((d) => this.fitsHead(d, kinds)).map((d) => d.name);
      const s = suggest(head, candidates);
      if (decl) return fail('wrong-kind', `'${head}' is a param; expected a ${describeKinds(kinds)}`, segments[0].range, s);
      return fail('unresolved-reference', `unknown ${describeKinds(kinds)} '${head}'${didYouMean(s)}`, segments[0].range, s);
    }
    segments[0].target = reference.head = reference.resolved = decl;
    if (!this.fitsHead(decl, kinds)) {
      return fail('wrong-kind', `'${head}' is a ${declLabel(decl.kind)}; expected a ${describeKinds(kinds)}`, segments[0].range);
    }

    if (ref.wildcard) {
      if (decl.kind !== 'features' || !kinds.includes('feature_view_all') || member !== undefined) {
        return fail('invalid-value', `'${head}.*' is only allowed for feature views in a training set's features`, rangeOf(ref));
      }
      return;
    }

    if (member === undefined) {
      if (decl.kind === 'step' && !kinds.includes('step') && !kinds.includes('evaluate_step') && kinds.includes('step_output')) {
        const outs = this.outputsOf(decl);
        if (outs.length === 1) {
          reference.resolved = outs[0];
          return;
        }
        const names = outs.map((o) => o.name);
        return fail('missing-output', `name which output of step '${head}' to use${names.length ? `: ${names.map((n) => `${head}.${n}`).join(', ')}` : ` (it declares no outputs)`}`, segments[0].range, names.map((n) => `${head}.${n}`));
      }
      if (decl.kind === 'features' && kinds.includes('feature_column') && !kinds.includes('features')) {
        return fail('invalid-value', `name a feature of '${head}' (e.g. '${head}.${this.featuresOf(decl)[0]?.name ?? 'feature'}') or use '${head}.*'`, segments[0].range);
      }
      return;
    }

    if (ref.path.length > 2) {
      return fail('invalid-value', `'${ref.path.join('.')}' has too many parts`, rangeOf(ref));
    }
    const seg = segments[1];
    if (decl.kind === 'step') {
      const out = this.children.get(`${head}.${member}`);
      if (out?.kind !== 'output') {
        const s = suggest(member, this.outputsOf(decl).map((o) => o.name));
        const known = this.outputsOf(decl).map((o) => o.name);
        return fail('unknown-output', `step '${head}' has no output '${member}'${s.length ? didYouMean(s) : known.length ? ` (its outputs: ${known.join(', ')})` : ' (it declares no outputs)'}`, seg.range, s);
      }
      seg.target = reference.resolved = out;
      return;
    }
    if (decl.kind === 'features') {
      const col = this.children.get(`${head}.${member}`);
      if (col?.kind !== 'feature_column') {
        const s = suggest(member, this.featuresOf(decl).map((o) => o.name));
        return fail('unknown-feature', `feature view '${head}' has no feature '${member}'${didYouMean(s)}`, seg.range, s);
      }
      seg.target = reference.resolved = col;
      return;
    }
    if (decl.kind === 'source') {
      // `customers.customer_id`: a column. Only checkable against a declared schema.
      const src = decl.node as ast.Source;
      const schema = findProp(src, 'schema')?.value;
      if (ast.isMapValue(schema) && !schema.entries.some((e) => e.key === member)) {
        const s = suggest(member, schema.entries.map((e) => e.key));
        return fail('unknown-column', `source '${head}' declares no column '${member}'${didYouMean(s)}`, seg.range, s, 'warning');
      }
      return;
    }
    return fail('invalid-value', `'${ref.path.join('.')}': a ${declLabel(decl.kind)} has no members`, rangeOf(ref));
  }

  /** Whether a declaration can be the first part of a reference of these kinds. */
  private fitsHead(d: Declaration, kinds: readonly RefKind[]): boolean {
    switch (d.kind) {
      case 'source': return kinds.includes('source');
      case 'features': return kinds.includes('features') || kinds.includes('feature_column') || kinds.includes('feature_view_all');
      case 'training_set': return kinds.includes('training_set');
      case 'step':
        return kinds.includes('step') || kinds.includes('step_output') || (kinds.includes('evaluate_step') && d.subKind === 'evaluate');
      case 'model': return kinds.includes('model');
      default: return false;
    }
  }
}

/** The block (or param/target) an AST node belongs to. */
export function enclosingBlock(node: AstNode | undefined): Block | ast.Target | ast.Param | undefined {
  for (let n = node; n; n = n.$container) {
    if (isBlock(n) || ast.isTarget(n) || ast.isParam(n)) return n;
  }
  return undefined;
}

/**
 * The name tokens of a reference, in order, up to its `@alias`. Separators are told by token type,
 * not by `CstNode.text`, which walks up to the root and copies a substring on every call: reading it
 * for every token of every reference was the symbol table's largest cost on large files.
 */
function nameLeavesOf(node: CstNode, out: CstNode[]): boolean {
  const content = (node as Partial<CompositeCstNode>).content;
  if (!content) {
    if (node.hidden) return true;
    const separator = (node as Partial<LeafCstNode>).tokenType?.name;
    if (separator === '@') return false;
    if (separator !== '.' && separator !== '*') out.push(node);
    return true;
  }
  for (const child of content) if (!nameLeavesOf(child, out)) return false;
  return true;
}
