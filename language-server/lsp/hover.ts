import { CstUtils, GrammarAST, GrammarUtils, type LangiumDocument } from 'langium';
import type { LangiumServices } from 'langium/lsp';
import type { Hover, HoverParams } from 'vscode-languageserver';
import * as ast from '../generated/ast.js';
import { specOf } from '../analysis/blocks.js';
import { enclosingBlock, type Declaration } from '../analysis/symbols.js';
import { propertySpec, RESOURCE_KEYS, type ValueSpec } from '../schema/property-schema.js';
import { EXPECTATION_FUNCTION_DOCS, KEYWORD_DOCS, STEP_KIND_DOCS, TARGET_KIND_DOCS } from '../schema/keyword-docs.js';
import { columnOwner } from '../data/column-owner.js';
import { DataCatalogHolder } from '../data/data-catalog.js';
import { symbolAt } from './locate.js';

export class MLPipeHoverProvider {
  private readonly catalog: DataCatalogHolder;

  constructor(services: LangiumServices & { data?: { Catalog: DataCatalogHolder } }) {
    this.catalog = services.data?.Catalog ?? new DataCatalogHolder();
  }

  async getHoverContent(document: LangiumDocument, params: HoverParams): Promise<Hover | undefined> {
    const at = symbolAt(document, params.position);
    if (at.declaration && at.range) return markdown(describeDeclaration(at.declaration), at.range);
    const uri = document.uri.toString();
    // `customers.customer_id`: the second part is a column of the source.
    if (at.reference && at.segment && at.range && at.reference.segments.indexOf(at.segment) === 1 && at.reference.head?.kind === 'source') {
      const text = await this.catalog.current.describeColumn(uri, at.reference.head.name, at.segment.text);
      return text ? markdown(text, at.range) : undefined;
    }
    const root = document.parseResult.value;
    const offset = document.textDocument.offsetAt(params.position);
    const leaf = root.$cstNode ? CstUtils.findLeafNodeAtOffset(root.$cstNode, offset) : undefined;
    if (!leaf || leaf.hidden) return undefined;
    const node = leaf.astNode;
    const feature = GrammarUtils.findAssignment(leaf)?.feature;
    const owner = feature && ['column', 'columns', 'key', 'path'].includes(feature) ? columnOwner(node) : undefined;
    if (owner) {
      const text = await this.catalog.current.describeColumn(uri, owner, leaf.text);
      if (text) return markdown(text, leaf.range);
    }
    if (ast.isProperty(node) && feature === 'key') {
      const ps = propertySpec(specOf(enclosingBlock(node) as Parameters<typeof specOf>[0]), node.key);
      if (ps) return markdown(`**${ps.key}**: ${ps.doc}\n\n_Value:_ ${describeSpec(ps.value)}${ps.required ? ' · required' : ''}`, leaf.range);
      return undefined;
    }
    if (ast.isMapEntry(node) && feature === 'key' && ast.isProperty(node.$container?.$container) && node.$container.$container.key === 'resources') {
      const r = RESOURCE_KEYS[node.key];
      if (r) return markdown(`**${node.key}**: ${r.doc}`, leaf.range);
    }
    if ((ast.isStep(node) || ast.isTarget(node)) && feature === 'kind') {
      const doc = (ast.isStep(node) ? STEP_KIND_DOCS : TARGET_KIND_DOCS)[node.kind];
      const spec = specOf(node);
      if (doc) return markdown(`**${node.kind}** ${ast.isStep(node) ? 'step' : 'target'}: ${doc}${spec ? `\n\n${spec.doc}` : ''}`, leaf.range);
    }
    if (ast.isCallCheck(node) && feature === 'fn' && EXPECTATION_FUNCTION_DOCS[node.fn]) return markdown(EXPECTATION_FUNCTION_DOCS[node.fn], leaf.range);
    if (GrammarAST.isKeyword(leaf.grammarSource) && !feature) {
      const doc = KEYWORD_DOCS[leaf.text];
      if (doc) return markdown(doc, leaf.range);
    }
    return undefined;
  }
}

function markdown(value: string, range: Hover['range']): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

function describeSpec(v: ValueSpec): string {
  switch (v.type) {
    case 'ref': return `a reference (${v.kinds.join(', ').replaceAll('_', ' ')})${v.alias ? ' with @alias' : ''}`;
    case 'refs': return `a list of references (${v.kinds.join(', ').replaceAll('_', ' ')})`;
    case 'enum': return `one of ${v.values.map((x) => `\`${x}\``).join(', ')}`;
    case 'text': return 'a string or a `"""` text block';
    case 'duration': return 'a duration (`30d`, `2h`, `90s`)';
    case 'size': return 'a size (`512MB`, `16GB`)';
    case 'columns': return 'a column or a list of columns';
    case 'names': return 'a name or a list of names';
    case 'gate': return 'a metric condition (`auc >= 0.8`)';
    default: return v.type;
  }
}

/** A short Markdown card for a declaration: what it is, its description and its key facts. */
export function describeDeclaration(d: Declaration): string {
  const n = d.node;
  const lines: string[] = [];
  const header = (text: string) => lines.push(`\`\`\`mlpipe\n${text}\n\`\`\``);
  if (d.builtin) {
    header('target local: local {}');
    lines.push('This machine (built in).');
    return lines.join('\n\n');
  }
  if (ast.isParam(n)) {
    header(`param ${n.name}${n.type ? `: ${n.type}` : ''}${n.value?.$cstNode ? ` = ${n.value.$cstNode.text}` : ''}`);
    if (n.description) lines.push(n.description);
  } else if (ast.isMapEntry(n)) {
    header(`${d.qualifiedName}: ${n.value?.$cstNode?.text ?? ''}`);
    lines.push(`Output **${n.key}** of step \`${d.parent?.name}\`.`);
  } else if (ast.isFeatureColumn(n)) {
    header(`feature ${d.qualifiedName}${n.type ? `: ${n.type}` : ''}`);
    if (n.description) lines.push(n.description);
  } else if (ast.isStep(n) || ast.isTarget(n)) {
    header(`${ast.isStep(n) ? 'step' : 'target'} ${n.name}: ${n.kind}`);
    if (n.description) lines.push(n.description);
    lines.push(facts(n));
  } else {
    const b = n as ast.Source;
    header(`${keywordOf(d)} ${b.name}`);
    if (b.description) lines.push(b.description);
    lines.push(facts(b));
  }
  return lines.filter(Boolean).join('\n\n');
}

function keywordOf(d: Declaration): string {
  return d.kind === 'features' ? 'features' : d.kind;
}

function facts(b: { props: ast.Property[] }): string {
  const keys = ['path', 'timestamp', 'entity', 'ttl', 'from', 'labels', 'label_time', 'script', 'command', 'notebook', 'inputs', 'outputs', 'model', 'data', 'host', 'login', 'port', 'target'];
  return b.props.filter((p) => keys.includes(p.key) && p.value?.$cstNode && p.value.$cstNode.text.length < 120)
    .map((p) => `- ${p.key}: \`${p.value.$cstNode!.text}\``).join('\n');
}

