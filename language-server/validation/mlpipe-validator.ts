import type { AstNode, ValidationAcceptor } from 'langium';
import { DiagnosticTag } from 'vscode-languageserver-types';
import type { Range } from 'vscode-languageserver-types';
import * as ast from '../generated/ast.js';
import { analyze } from '../analysis/analysis.js';
import { isBlock, propertyRange, specOf, type AnyBlock } from '../analysis/blocks.js';
import { didYouMean, suggest } from '../analysis/did-you-mean.js';
import type { SymbolTable } from '../analysis/symbols.js';
import { PARAM_TYPES, STEP_KINDS, TARGET_KINDS, type ParamType } from '../model/pipeline-model.js';
import { COLUMN_TYPES, propertySpec } from '../schema/property-schema.js';
import { Codes, type Code, type DiagnosticData } from './codes.js';
import { collectValueProblems, describeValue, type ValueProblem } from './value-checks.js';
import { findCycles } from './graph.js';
import { inferParamType } from '../analysis/to-model.js';
import { toModelValue } from '../analysis/values.js';

type Severity = 'error' | 'warning' | 'info' | 'hint';

/** All semantic checks of a document, run once per build on the root node. */
export class MLPipeValidator {
  checkDocument(doc: ast.Document, accept: ValidationAcceptor): void {
    const { symbols } = analyze(doc);
    const report = (severity: Severity, code: Code, message: string, node: AstNode, where: { range?: Range; property?: string; data?: Partial<DiagnosticData>; unnecessary?: boolean } = {}) => {
      accept(severity, message, {
        node, code, range: where.range, property: where.property, data: { code, ...where.data },
        tags: where.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
      });
    };
    this.checkStructure(doc, report);
    this.checkReferences(symbols, report);
    this.checkParams(doc, report);
    for (const b of [...(doc.pipelines[0]?.members ?? []).filter((m): m is AnyBlock => isBlock(m) || ast.isTarget(m)), ...doc.targets]) {
      this.checkBlock(b, symbols, report);
    }
    for (const s of doc.pipelines[0]?.members.filter(ast.isSource) ?? []) this.checkExpectations(s, report);
    this.checkGraph(symbols, report);
  }

  private checkStructure(doc: ast.Document, report: Reporter): void {
    for (const extra of doc.pipelines.slice(1)) {
      report('error', Codes.multiplePipelines, 'one pipeline per file: move this pipeline to its own .mlpipe file', extra, { property: 'name' });
    }
  }

  private checkReferences(symbols: SymbolTable, report: Reporter): void {
    for (const d of symbols.duplicates) {
      const first = (d.kind === 'target' ? symbols.targets : d.parent ? symbols.children : symbols.members).get(d.qualifiedName);
      const where = first ? ` (first declared on line ${first.nameRange.start.line + 1})` : '';
      report('error', Codes.duplicateName, `'${d.qualifiedName}' is already declared${where}`, d.node, { range: d.nameRange });
    }
    for (const r of symbols.references) {
      if (!r.error) continue;
      report(r.error.severity, r.error.code as Code, r.error.message, r.ref, { range: r.error.range, data: { suggestions: r.error.suggestions } });
    }
  }

  private checkParams(doc: ast.Document, report: Reporter): void {
    for (const p of doc.pipelines[0]?.members.filter(ast.isParam) ?? []) {
      if (p.type && !(PARAM_TYPES as readonly string[]).includes(p.type)) {
        const s = suggest(p.type, PARAM_TYPES);
        report('error', Codes.invalidValue, `unknown param type '${p.type}'${didYouMean(s)} (types: ${PARAM_TYPES.join(', ')})`, p, { property: 'type', data: { suggestions: s } });
        continue;
      }
      if (!p.value) {
        if (!p.type) report('error', Codes.missingProperty, `param '${p.name}' needs a type or a default value, e.g. param ${p.name}: float = 0.1`, p, { property: 'name' });
        continue;
      }
      if (ast.isRef(p.value) || ast.isListValue(p.value) || ast.isMapValue(p.value) || ast.isComparison(p.value) || ast.isTextBlock(p.value)) {
        report('error', Codes.invalidValue, `a param default must be a literal (number, string, boolean, duration or size), found ${describeValue(p.value)}`, p.value);
        continue;
      }
      const inferred = inferParamType(toModelValue(p.value));
      if (p.type && inferred !== p.type && !(p.type === 'float' && inferred === 'int')) {
        report('error', Codes.invalidValue, `param '${p.name}' is declared ${p.type} but its default is ${inferred === 'int' || inferred === 'float' ? 'a number' : `a ${inferred}`}`, p.value);
      }
    }
  }

  private checkBlock(b: AnyBlock, symbols: SymbolTable, report: Reporter): void {
    if (ast.isStep(b) || ast.isTarget(b)) {
      const kinds: readonly string[] = ast.isStep(b) ? STEP_KINDS : TARGET_KINDS;
      if (b.kind && !kinds.includes(b.kind)) {
        const s = suggest(b.kind, kinds);
        const what = ast.isStep(b) ? 'step kind' : 'target kind';
        report('error', Codes.unknownKind, `unknown ${what} '${b.kind}'${didYouMean(s)} (kinds: ${kinds.join(', ')})`, b, { property: 'kind', data: { suggestions: s } });
        return;
      }
    }
    const spec = specOf(b);
    if (!spec) return;
    const paramType = (name: string): ParamType | undefined => {
      const d = symbols.members.get(name);
      if (d?.kind !== 'param') return undefined;
      const p = d.node as ast.Param;
      return (p.type as ParamType | undefined) ?? inferParamType(toModelValue(p.value));
    };
    const seen = new Set<string>();
    const problems: ValueProblem[] = [];
    // Built only for a message: most blocks have nothing to report.
    const what = () => (ast.isStep(b) ? `a ${b.kind} step` : ast.isTarget(b) ? `an ${b.kind} target` : `a ${spec.id.replace('_', ' ')}`);
    for (const p of b.props) {
      const ps = propertySpec(spec, p.key);
      if (!ps) {
        const s = suggest(p.key, spec.properties.map((x) => x.key));
        report('error', Codes.unknownProperty, `${what()} has no property '${p.key}'${didYouMean(s)}`, p, { property: 'key', data: { suggestions: s } });
        continue;
      }
      if (seen.has(p.key) && !ps.multiple) {
        report('error', Codes.duplicateProperty, `'${p.key}' is set twice; the first one counts for nothing`, p, { property: 'key' });
      }
      seen.add(p.key);
      if (!p.value) continue;
      problems.length = 0;
      collectValueProblems(ps.value, p.value, paramType, problems);
      for (const problem of problems) {
        report('error', Codes.invalidValue, `${p.key}: ${problem.message}`, problem.node, { data: { suggestions: problem.suggestions } });
      }
    }
    const has = (key: string) => b.props.some((p) => p.key === key);
    for (const ps of spec.properties) {
      if (ps.required && !has(ps.key)) {
        report('error', Codes.missingProperty, `${what()} needs '${ps.key}': ${ps.doc}`, b, { property: 'name', data: { property: ps.key, example: ps.example } });
      }
    }
    if (spec.oneOf && !spec.oneOf.some(has)) {
      const first = spec.properties.find((p) => p.key === spec.oneOf![0])!;
      report('error', Codes.missingProperty, `${what()} needs ${spec.oneOf.map((k) => `'${k}'`).join(' or ')}`, b, { property: 'name', data: { property: first.key, example: first.example } });
    }
    if (ast.isFeatureView(b)) {
      for (const c of b.columns) {
        if (c.type && !(COLUMN_TYPES as readonly string[]).includes(c.type)) {
          const s = suggest(c.type, COLUMN_TYPES);
          report('error', Codes.invalidValue, `unknown column type '${c.type}'${didYouMean(s)}`, c, { property: 'type', data: { suggestions: s } });
        }
      }
      if (!b.columns.length) report('warning', Codes.missingProperty, `feature view '${b.name}' declares no features: add lines such as 'feature name: double'`, b, { property: 'name' });
    }
  }

  private checkExpectations(s: ast.Source, report: Reporter): void {
    const schema = s.props.find((p) => p.key === 'schema')?.value;
    const columns = ast.isMapValue(schema) ? schema.entries.map((e) => e.key) : undefined;
    const checkColumn = (column: string | undefined, node: AstNode, property: string, index?: number) => {
      if (!columns || !column || columns.includes(column)) return;
      const sug = suggest(column, columns);
      report('warning', Codes.unknownColumn, `source '${s.name}' declares no column '${column}'${didYouMean(sug)}`, node, {
        range: propertyRange(node, property, index), data: { suggestions: sug },
      });
    };
    for (const e of s.expectations) {
      const c = e.check;
      if (e.severity && e.severity !== 'error' && e.severity !== 'warning') {
        const sug = suggest(e.severity, ['error', 'warning']);
        report('error', Codes.invalidExpectation, `severity must be error or warning, found '${e.severity}'`, e, { property: 'severity', data: { suggestions: sug } });
      }
      if (e.mostly !== undefined && !(e.mostly > 0 && e.mostly <= 1)) {
        report('error', Codes.invalidExpectation, `mostly is the fraction of rows that must pass, between 0 and 1 (e.g. mostly 0.95), found ${e.mostly}`, e, { property: 'mostly' });
      }
      if (ast.isCallCheck(c)) {
        const fns = ['unique', 'mean', 'median', 'stddev', 'min', 'max', 'sum'];
        if (!fns.includes(c.fn)) {
          const sug = suggest(c.fn, fns);
          report('error', Codes.invalidExpectation, `unknown check '${c.fn}(...)'${didYouMean(sug)} (checks: ${fns.map((f) => `${f}(...)`).join(', ')})`, c, { property: 'fn', data: { suggestions: sug } });
        } else if (c.fn === 'unique' && c.range) {
          report('error', Codes.invalidExpectation, 'unique(...) takes no range', c.range);
        } else if (c.fn !== 'unique' && !c.range) {
          report('error', Codes.invalidExpectation, `${c.fn}(...) needs a range, e.g. ${c.fn}(${c.columns[0] ?? 'x'}) between 0 and 100`, c, { property: 'fn' });
        } else if (c.fn !== 'unique' && c.columns.length !== 1) {
          report('error', Codes.invalidExpectation, `${c.fn}(...) takes one column`, c, { property: 'fn' });
        }
        c.columns.forEach((col, i) => checkColumn(col, c, 'columns', i));
      } else if (ast.isColumnCheck(c)) {
        checkColumn(c.column, c, 'column');
        const p = c.predicate;
        if (ast.isMatches(p)) {
          try {
            new RegExp(p.pattern);
          } catch (err) {
            report('error', Codes.invalidExpectation, `invalid regular expression: ${(err as Error).message}`, p, { property: 'pattern' });
          }
        }
        if (ast.isOfType(p) && !(COLUMN_TYPES as readonly string[]).includes(p.typeName)) {
          const sug = suggest(p.typeName, COLUMN_TYPES);
          report('error', Codes.invalidExpectation, `unknown column type '${p.typeName}'${didYouMean(sug)}`, p, { property: 'typeName', data: { suggestions: sug } });
        }
      } else if (ast.isFreshnessCheck(c)) {
        checkColumn(c.column, c, 'column');
      }
    }
  }

  private checkGraph(symbols: SymbolTable, report: Reporter): void {
    const nodes = [...symbols.members.values()].filter((d) => d.kind !== 'param').map((d) => ({ id: d.name }));
    for (const cycle of findCycles({ nodes, edges: symbols.dependencies() })) {
      const decl = symbols.members.get(cycle[0]);
      if (decl) report('error', Codes.dependencyCycle, `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`, decl.node, { range: decl.nameRange });
    }
    for (const r of symbols.references) {
      const owner = r.head && r.owner;
      if (owner && r.head?.node === owner && r.head.kind !== 'param') {
        report('error', Codes.dependencyCycle, `dependency cycle: '${r.head.name}' reads from itself`, r.ref, { range: r.segments[0].range });
      }
    }
    const used = new Set<string>();
    for (const r of symbols.references) if (r.head) used.add(r.head.name);
    for (const d of symbols.members.values()) {
      if (used.has(d.name)) continue;
      if (d.kind === 'source') report('warning', Codes.unusedSource, `source '${d.name}' is not used by any feature view, training set, step or monitor`, d.node, { range: d.nameRange, unnecessary: true });
      if (d.kind === 'param') report('warning', Codes.unusedParam, `param '${d.name}' is not used`, d.node, { range: d.nameRange, unnecessary: true });
    }
    // A view without an event time cannot be joined point-in-time: every row would be "current".
    for (const r of symbols.references) {
      const v = r.head?.kind === 'features' ? r.head.node as ast.FeatureView : undefined;
      if (!v || v.props.some((p) => p.key === 'timestamp') || !Array.isArray(r.expected) || !r.expected.includes('feature_column')) continue;
      report('warning', Codes.leakageRisk, `feature view '${v.name}' has no timestamp, so the point-in-time join cannot exclude rows from after the label time (leakage risk); add 'timestamp <column>' to it`, r.ref, { range: r.segments[0].range });
    }
  }
}

type Reporter = (severity: Severity, code: Code, message: string, node: AstNode, where?: { range?: Range; property?: string; data?: Partial<DiagnosticData>; unnecessary?: boolean }) => void;
