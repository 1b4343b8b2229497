import type { LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import {
  CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type CompletionParams, type Range,
} from 'vscode-languageserver';
import * as ast from '../../generated/ast.js';
import { analyzeDocument } from '../../analysis/analysis.js';
import type { Declaration, SymbolTable } from '../../analysis/symbols.js';
import { PARAM_TYPES, STEP_KINDS, TARGET_KINDS, type ParamType } from '../../model/pipeline-model.js';
import { blockSpec, COLUMN_TYPES, RESOURCE_KEYS, type BlockSpec, type PropertySpec, type RefKind, type ValueSpec } from '../../schema/property-schema.js';
import { KEYWORD_DOCS, STEP_KIND_DOCS, TARGET_KIND_DOCS } from '../../schema/keyword-docs.js';
import { DataCatalogHolder } from '../../data/data-catalog.js';
import { blockHeader, propertyKeyOf, textContext, type BlockHeader, type TextContext } from './text-context.js';
import { MEMBER_SNIPPETS, TOP_LEVEL_SNIPPETS } from './snippets.js';

export const METRICS = ['auc', 'accuracy', 'precision', 'recall', 'f1', 'log_loss', 'rmse', 'mae', 'r2'];

const EXPECT_PREDICATES: [string, string][] = [
  ['not_null', 'not_null'], ['unique', 'unique'], ['exists', 'exists'], ['between', 'between ${1:0} and ${2:100}'],
  ['in', 'in [${1}]'], ['not_in', 'not_in [${1}]'], ['matches', 'matches "${1:^.+$}"'], ['type', 'type ${1|string,int,bigint,double,bool,date,timestamp|}'],
  ['length', 'length between ${1:1} and ${2:64}'],
];

const EXPECT_SUBJECTS: [string, string][] = [
  ['row_count', 'row_count between ${1:1} and ${2:1000000}'], ['freshness', 'freshness ${1:column} within ${2:2d}'],
  ['unique(...)', 'unique(${1:a}, ${2:b})'], ['mean(...)', 'mean(${1:column}) between ${2:0} and ${3:100}'],
  ['median(...)', 'median(${1:column}) between ${2:0} and ${3:100}'], ['stddev(...)', 'stddev(${1:column}) between ${2:0} and ${3:10}'],
  ['min(...)', 'min(${1:column}) between ${2:0} and ${3:100}'], ['max(...)', 'max(${1:column}) between ${2:0} and ${3:100}'],
];

/**
 * Context-aware completion: block keywords between blocks, property names inside a block (only the
 * ones its kind accepts and not yet set), and values that fit the property (names in scope of the
 * right kind, step outputs, feature columns, enum values, params of the right type).
 */
export class MLPipeCompletionProvider {
  readonly completionOptions = { triggerCharacters: ['.', '@', ':', '['] };

  private readonly catalog: DataCatalogHolder;
  private uri = '';

  constructor(services: LangiumServices & { data?: { Catalog: DataCatalogHolder } }) {
    this.catalog = services.data?.Catalog ?? new DataCatalogHolder();
  }

  getCompletion(document: LangiumDocument, params: CompletionParams): CompletionList | undefined {
    const text = document.textDocument.getText();
    const offset = document.textDocument.offsetAt(params.position);
    const ctx = textContext(text, offset);
    if (ctx.inert) return undefined;
    const range: Range = { start: document.textDocument.positionAt(ctx.wordStart), end: params.position };
    const { symbols } = analyzeDocument(document);
    this.uri = document.uri.toString();
    const items = this.items(ctx, symbols, document.parseResult.value as ast.Document).map((item) => withRange(item, range));
    return { isIncomplete: false, items };
  }

  private items(ctx: TextContext, symbols: SymbolTable, root: ast.Document): CompletionItem[] {
    const top = ctx.stack[ctx.stack.length - 1];
    const atLineStart = /^\s*[A-Za-z_]*$/.test(ctx.linePrefix);
    if (!top) return atLineStart ? TOP_LEVEL_SNIPPETS : [];
    if (top.char === '{') {
      const header = blockHeader(top.header);
      if (header?.keyword === 'pipeline') {
        if (atLineStart) return MEMBER_SNIPPETS;
        return this.headerKinds(ctx.linePrefix) ?? this.paramTypes(ctx.linePrefix) ?? [];
      }
      if (header) return this.inBlock(ctx, header, symbols, root, atLineStart);
      // A map value: `outputs {`, `params {`, `resources {`, `schema {`.
      const key = propertyKeyOf(top.header);
      const parent = this.enclosingBlock(ctx, ctx.stack.length - 2);
      if (key && parent) return this.inMap(ctx, key, parent, symbols);
      return [];
    }
    if (top.char === '[') {
      const key = propertyKeyOf(top.header);
      const parent = this.enclosingBlock(ctx, ctx.stack.length - 2);
      if (!key || !parent) return [];
      if (key === 'expect') return [];
      const ps = this.spec(parent)?.properties.find((p) => p.key === key);
      return ps ? this.values(ps.value, ctx, symbols, parent) : [];
    }
    if (top.char === '(') {
      const parent = this.enclosingBlock(ctx, ctx.stack.length - 2);
      return parent ? this.columns(parent, symbols) : [];
    }
    return [];
  }

  private headerKinds(linePrefix: string): CompletionItem[] | undefined {
    const m = /^\s*(step|target)\s+[A-Za-z_][A-Za-z0-9_]*\s*:\s*[A-Za-z_]*$/.exec(linePrefix);
    if (!m) return undefined;
    const isStep = m[1] === 'step';
    return (isStep ? STEP_KINDS : TARGET_KINDS).map((k) => ({
      label: k, kind: CompletionItemKind.EnumMember, detail: isStep ? 'step kind' : 'target kind',
      documentation: { kind: 'markdown', value: (isStep ? STEP_KIND_DOCS : TARGET_KIND_DOCS)[k] },
    }));
  }

  private paramTypes(linePrefix: string): CompletionItem[] | undefined {
    if (!/^\s*param\s+[A-Za-z_][A-Za-z0-9_]*\s*:\s*[A-Za-z_]*$/.test(linePrefix)) return undefined;
    return PARAM_TYPES.map((t) => ({ label: t, kind: CompletionItemKind.TypeParameter, detail: 'param type' }));
  }

  private enclosingBlock(ctx: TextContext, from: number): BlockHeader | undefined {
    for (let k = from; k >= 0; k--) {
      const b = ctx.stack[k].char === '{' ? blockHeader(ctx.stack[k].header) : undefined;
      if (b) return b.keyword === 'pipeline' ? undefined : b;
    }
    return undefined;
  }

  private spec(b: BlockHeader): BlockSpec | undefined {
    return blockSpec(b.keyword, b.kind);
  }

  private inBlock(ctx: TextContext, header: BlockHeader, symbols: SymbolTable, root: ast.Document, atLineStart: boolean): CompletionItem[] {
    if (header.keyword === 'step' || header.keyword === 'target') {
      const kinds = this.headerKinds(ctx.linePrefix);
      if (kinds) return kinds;
    }
    const spec = this.spec(header);
    if (!spec) return [];
    if (atLineStart) return this.propertyKeys(spec, header, root);
    const expect = /^\s*expect\s+(.*)$/.exec(ctx.linePrefix);
    if (expect && header.keyword === 'source') return this.expectation(expect[1], header, symbols);
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(ctx.linePrefix);
    if (!m) return [];
    const ps = spec.properties.find((p) => p.key === m[1]);
    if (!ps) return [];
    if (ps.value.type === 'gate') return this.gate(m[2], symbols, header);
    // Only the first value after the key, not a second word (which starts the next property).
    if (!/^[A-Za-z0-9_.@*]*$/.test(m[2])) return [];
    return this.values(ps.value, ctx, symbols, header);
  }

  private propertyKeys(spec: BlockSpec, header: BlockHeader, root: ast.Document): CompletionItem[] {
    const block = findBlock(root, header);
    const present = new Set(block?.props.map((p) => p.key) ?? []);
    const items: CompletionItem[] = spec.properties
      .filter((p) => p.multiple || !present.has(p.key))
      .map((p, i) => ({
        label: p.key, kind: CompletionItemKind.Property, detail: p.required ? 'required' : undefined,
        documentation: { kind: 'markdown', value: p.doc }, insertText: `${p.key} ${snippetOf(p)}`, insertTextFormat: InsertTextFormat.Snippet,
        sortText: `${p.required && !present.has(p.key) ? 0 : 1}${String(i).padStart(3, '0')}`,
      }));
    if (header.keyword === 'source') {
      items.push({ label: 'expect', kind: CompletionItemKind.Keyword, documentation: { kind: 'markdown', value: KEYWORD_DOCS.expect }, insertText: 'expect ${1:column} ${2|not_null,unique,between,in,matches|}', insertTextFormat: InsertTextFormat.Snippet, sortText: '2' });
    }
    if (header.keyword === 'features') {
      items.push({ label: 'feature', kind: CompletionItemKind.Keyword, documentation: { kind: 'markdown', value: KEYWORD_DOCS.feature }, insertText: 'feature ${1:name}: ${2|double,int,bigint,string,bool,timestamp|}', insertTextFormat: InsertTextFormat.Snippet, sortText: '2' });
    }
    return items;
  }

  private inMap(ctx: TextContext, key: string, parent: BlockHeader, symbols: SymbolTable): CompletionItem[] {
    const afterColon = /([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[A-Za-z0-9_.]*$/.exec(ctx.linePrefix);
    const atEntryStart = !afterColon && /(^|[{,\s])[A-Za-z_]*$/.test(ctx.linePrefix);
    if (key === 'resources') {
      if (atEntryStart) return Object.entries(RESOURCE_KEYS).map(([k, r]) => ({ label: k, kind: CompletionItemKind.Property, documentation: r.doc, insertText: `${k}: `, command: retrigger }));
      if (afterColon && RESOURCE_KEYS[afterColon[1]]) return this.values(RESOURCE_KEYS[afterColon[1]].value, ctx, symbols, parent);
    }
    if (key === 'params' && afterColon) return this.paramsOfType(symbols, undefined);
    if (key === 'schema' && afterColon) return COLUMN_TYPES.map((t) => ({ label: t, kind: CompletionItemKind.TypeParameter }));
    return [];
  }

  private expectation(rest: string, header: BlockHeader, symbols: SymbolTable): CompletionItem[] {
    const words = rest.split(/\s+/);
    if (words.length === 1) {
      return [
        ...this.columns(header, symbols),
        ...EXPECT_SUBJECTS.map(([label, snippet]) => ({ label, kind: CompletionItemKind.Function, insertText: snippet, insertTextFormat: InsertTextFormat.Snippet, documentation: KEYWORD_DOCS[label] ?? undefined })),
      ];
    }
    if (words.length === 2 && !['row_count', 'freshness'].includes(words[0]) && !words[0].includes('(')) {
      return EXPECT_PREDICATES.map(([label, snippet]) => ({
        label, kind: CompletionItemKind.Keyword, insertText: snippet, insertTextFormat: InsertTextFormat.Snippet,
        documentation: { kind: 'markdown', value: KEYWORD_DOCS[label] ?? '' },
      }));
    }
    const last = words[words.length - 2];
    if (last === 'severity') return ['error', 'warning'].map((s) => ({ label: s, kind: CompletionItemKind.EnumMember }));
    if (last === 'in' && words.length === 4) return this.refCandidates(['source'], symbols, words[words.length - 1]);
    if (/^[0-9\]"]/.test(last) || last === 'not_null' || last === 'unique' || last === 'exists') {
      return ['mostly', 'severity'].map((k) => ({ label: k, kind: CompletionItemKind.Keyword, insertText: k === 'mostly' ? 'mostly ${1:0.95}' : 'severity ${1|warning,error|}', insertTextFormat: InsertTextFormat.Snippet }));
    }
    return [];
  }

  private gate(rest: string, symbols: SymbolTable, header: BlockHeader): CompletionItem[] {
    if (/^[A-Za-z_]*$/.test(rest)) {
      const block = symbols.members.get(header.name);
      const evalName = block?.node && ast.isModel(block.node) ? block.node.props.find((p) => p.key === 'evaluation')?.value : undefined;
      const evalDecl = ast.isRef(evalName) ? symbols.members.get(evalName.path[0]) : block;
      const metricsProp = evalDecl && ast.isStep(evalDecl.node) ? evalDecl.node.props.find((p) => p.key === 'metrics')?.value : undefined;
      const metrics = ast.isListValue(metricsProp) ? metricsProp.items.filter(ast.isRef).map((r) => r.path[0]) : METRICS;
      return metrics.map((m) => ({ label: m, kind: CompletionItemKind.Value, detail: 'metric', insertText: `${m} >= \${1:0.8}`, insertTextFormat: InsertTextFormat.Snippet }));
    }
    if (/(>=|<=|==|!=|>|<)\s*[A-Za-z_]*$/.test(rest)) return this.paramsOfType(symbols, ['int', 'float']);
    return [];
  }

  private values(spec: ValueSpec, ctx: TextContext, symbols: SymbolTable, parent: BlockHeader): CompletionItem[] {
    switch (spec.type) {
      case 'ref':
      case 'refs':
        return this.refCandidates(spec.kinds, symbols, ctx.word, spec.type === 'ref' && spec.alias, parent.name);
      case 'enum':
        return spec.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember }));
      case 'bool':
        return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Keyword }));
      case 'column':
      case 'columns':
        return this.columns(parent, symbols);
      case 'names':
        return parent.keyword === 'step' && parent.kind === 'evaluate' ? METRICS.map((m) => ({ label: m, kind: CompletionItemKind.Value, detail: 'metric' })) : [];
      case 'int': return this.paramsOfType(symbols, ['int']);
      case 'number': return this.paramsOfType(symbols, ['int', 'float']);
      case 'duration': return this.paramsOfType(symbols, ['duration']);
      case 'size': return this.paramsOfType(symbols, ['size']);
      case 'string': case 'path': case 'text': return this.paramsOfType(symbols, ['string']);
      default: return [];
    }
  }

  private paramsOfType(symbols: SymbolTable, types: ParamType[] | undefined): CompletionItem[] {
    return [...symbols.members.values()].filter((d) => d.kind === 'param').filter((d) => {
      if (!types) return true;
      const p = d.node as ast.Param;
      const t = (p.type as ParamType | undefined) ?? (ast.isNumberLit(p.value) ? (Number.isInteger(p.value.value) ? 'int' : 'float') : ast.isDurationLit(p.value) ? 'duration' : ast.isSizeLit(p.value) ? 'size' : ast.isBoolLit(p.value) ? 'bool' : 'string');
      return types.includes(t);
    }).map((d) => ({ label: d.name, kind: CompletionItemKind.Variable, detail: 'param' }));
  }

  /** Declarations a reference of these kinds may name; never the block being edited (that would be a cycle). */
  private refCandidates(kinds: readonly RefKind[], symbols: SymbolTable, word: string, alias = false, self?: string): CompletionItem[] {
    const items: CompletionItem[] = [];
    const dot = word.indexOf('.');
    const head = dot >= 0 ? word.slice(0, dot) : undefined;
    if (kinds.includes('target')) {
      for (const t of symbols.targets.values()) items.push({ label: t.name, kind: CompletionItemKind.Module, detail: `${t.subKind} target` });
      return items;
    }
    for (const d of symbols.members.values()) {
      if ((head !== undefined && d.name !== head) || d.name === self) continue;
      const whole = head === undefined;
      const add = (label: string, decl: Declaration, kind: CompletionItemKind) => items.push({ label, kind, detail: describe(decl) });
      if (whole && d.kind === 'source' && kinds.includes('source')) add(d.name, d, CompletionItemKind.Class);
      if (whole && d.kind === 'features' && kinds.includes('features')) add(d.name, d, CompletionItemKind.Interface);
      if (whole && d.kind === 'training_set' && kinds.includes('training_set')) add(d.name, d, CompletionItemKind.Struct);
      if (d.kind === 'model' && kinds.includes('model')) {
        if (alias) for (const a of ['champion', 'challenger', 'candidate']) items.push({ label: `${d.name}@${a}`, kind: CompletionItemKind.Reference, detail: 'model alias' });
        if (whole) add(d.name, d, CompletionItemKind.Reference);
      }
      if (d.kind === 'step') {
        if (whole && (kinds.includes('step') || (kinds.includes('evaluate_step') && d.subKind === 'evaluate'))) add(d.name, d, CompletionItemKind.Function);
        if (kinds.includes('step_output')) for (const o of symbols.outputsOf(d)) add(o.qualifiedName, o, CompletionItemKind.Field);
      }
      if (d.kind === 'features') {
        if (kinds.includes('feature_column')) for (const c of symbols.featuresOf(d)) add(c.qualifiedName, c, CompletionItemKind.Field);
        if (kinds.includes('feature_view_all')) items.push({ label: `${d.name}.*`, kind: CompletionItemKind.Interface, detail: 'every feature of the view' });
      }
    }
    return items;
  }

  /**
   * Column names known for a block: the real ones from its data when the language server has read
   * it, else its declared schema or that of the source it reads.
   */
  private columns(b: BlockHeader, symbols: SymbolTable): CompletionItem[] {
    const decl = symbols.members.get(b.name);
    const owner = decl && ast.isTrainingSet(decl.node) ? refValue(decl.node, 'labels') : b.name;
    const real = owner ? this.catalog.current.columns(this.uri, owner) : undefined;
    if (real?.length) return real.map((c) => ({ label: c.name, kind: CompletionItemKind.Field, detail: c.type.toLowerCase(), sortText: `0${c.name}` }));
    const names = new Set<string>();
    const fromSchema = (src: Declaration | undefined) => {
      if (!src || !ast.isSource(src.node)) return;
      const schema = src.node.props.find((p) => p.key === 'schema')?.value;
      if (ast.isMapValue(schema)) schema.entries.forEach((e) => names.add(e.key));
      const ts = src.node.props.find((p) => p.key === 'timestamp')?.value;
      if (ast.isRef(ts)) names.add(ts.path[0]);
    };
    if (decl) {
      fromSchema(decl);
      const n = decl.node;
      if (ast.isFeatureView(n) || ast.isTrainingSet(n)) {
        const from = n.props.find((p) => p.key === (ast.isFeatureView(n) ? 'from' : 'labels'))?.value;
        if (ast.isRef(from)) fromSchema(symbols.members.get(from.path[0]));
      }
    }
    // Mid-edit the block may not parse; then any column the file declares is a better guess than none.
    if (!names.size) for (const d of symbols.members.values()) fromSchema(d);
    return [...names].map((c) => ({ label: c, kind: CompletionItemKind.Field, detail: 'column' }));
  }
}

function refValue(node: { props: ast.Property[] }, key: string): string | undefined {
  const v = node.props.find((p) => p.key === key)?.value;
  return ast.isRef(v) ? v.path[0] : undefined;
}

const retrigger = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

function describe(d: Declaration): string {
  switch (d.kind) {
    case 'output': return `output of ${d.parent?.name}`;
    case 'feature_column': return `feature of ${d.parent?.name}`;
    case 'step': return `${d.subKind} step`;
    case 'features': return 'feature view';
    case 'training_set': return 'training set';
    default: return d.kind;
  }
}

function snippetOf(p: PropertySpec): string {
  // Escape snippet syntax in the example, then make it a placeholder.
  const body = p.example.replace(/[$}\\]/g, (c) => `\\${c}`);
  return p.example.includes('\n') ? body : `\${1:${body}}`;
}

function withRange(item: CompletionItem, range: Range): CompletionItem {
  return { ...item, textEdit: { range, newText: item.insertText ?? item.label }, insertText: undefined, filterText: item.filterText ?? item.label };
}

function findBlock(root: ast.Document, header: BlockHeader): { props: ast.Property[] } | undefined {
  for (const p of root.pipelines) {
    for (const m of p.members) {
      if (!ast.isParam(m) && m.name === header.name && 'props' in m) return m;
    }
  }
  return root.targets.find((t) => t.name === header.name);
}
