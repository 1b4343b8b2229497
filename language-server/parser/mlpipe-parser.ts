import type { IToken, TokenType } from 'chevrotain';
import { CstNodeBuilder, DatatypeSymbol, GrammarAST, isAstNode, LangiumParser, type AstNode, type LangiumCoreServices, type CstNode, type LexerResult, type ParseResult, type ParserOptions, type ValueConverter } from 'langium';
import { MLPipeCstNodeBuilder } from './cst-builder.js';
import { linkChild, relinkChildren } from './link-containers.js';
import { AstNodeShapes } from './ast-node-shapes.js';
import { MandatoryDefaults } from './mandatory-defaults.js';
import { defineRules } from './parser-builder.js';

/** Langium's parser with the rules defined by our allocation-free builder (parser-builder.ts). */
export function createMLPipeParser(services: LangiumCoreServices): LangiumParser {
  const parser = new MLPipeParser(services);
  defineRules(services.Grammar, parser, services.parser.Lexer.definition);
  parser.finalize();
  return parser;
}

/**
 * The private members of Langium's `LangiumParser` that its `parse` uses and its CST builder
 * (langium 4.4, lib/parser/langium-parser.js). TypeScript cannot see them from a subclass; the differential test
 * (test/unit/parser/mlpipe-parser.test.ts) fails if a Langium update changes what they do.
 */
interface LangiumParserInternals {
  nodeBuilder: CstNodeBuilder;
  lexerResult: LexerResult | undefined;
  stack: Array<Record<string, unknown> & { $type: string | typeof DatatypeSymbol; value?: string; $cstNode?: CstNode }>;
  converter: ValueConverter;
  doParse(rule: NonNullable<ReturnType<LangiumParser['getRule']>>): AstNode;
  construct(): unknown;
  isRecording(): boolean;
  startImplementation($type: string | typeof DatatypeSymbol | undefined, infixName: string | undefined, implementation: (args: Record<string, boolean>) => void): (args: Record<string, boolean>) => unknown;
  extractHiddenTokens(token: IToken): IToken[];
  isValidToken(token: IToken): boolean;
  getAssignment(feature: GrammarAST.AbstractElement): { assignment?: GrammarAST.Assignment; crossRef?: 'single' | 'multi' };
  assign(operator: string, feature: string, value: unknown, cstNode: CstNode, crossRef: 'single' | 'multi' | undefined): void;
  assignWithoutOverride(target: AstNode, source: AstNode): AstNode;
}

/** What `consume` needs to know about a grammar element, worked out on its first token. */
interface ConsumeInfo {
  assignment: GrammarAST.Assignment | undefined;
  crossRef: 'single' | 'multi' | undefined;
  keyword: boolean;
}

/** Handed out for "no comments before this token"; never written to (cst-builder.ts ignores it). */
const NO_TOKENS: IToken[] = [];

/**
 * `LangiumParser.parse`, step for step, except that AST nodes are linked to their containers as the
 * parser assigns them (link-containers.ts) instead of by Langium's `linkContentToContainer` after the
 * parse, which builds an `Object.entries` array for every AST node (a quarter of all the memory a
 * 2,000-step pipeline's parse allocated) and walks the whole AST again. Its CST builder is cst-builder.ts.
 */
export class MLPipeParser extends LangiumParser {
  constructor(services: LangiumCoreServices) {
    super(services);
    const internals = this as unknown as LangiumParserInternals;
    internals.nodeBuilder = new MLPipeCstNodeBuilder();
    // Private in Langium, so replaced per instance rather than overridden.
    const defaults = new MandatoryDefaults(services.shared.AstReflection);
    internals.construct = () => this.constructNode(internals, defaults);
    const shapes = new AstNodeShapes();
    internals.startImplementation = (type, infixName, implementation) => startImplementation(internals, shapes, type, infixName, implementation);
    internals.extractHiddenTokens = (token) => extractHiddenTokens(internals, token);
    // AST nodes are linked to their containers as they are assigned (link-containers.ts).
    const assign = internals.assign;
    internals.assign = (operator, feature, value, cstNode, crossRef) => {
      const container = internals.stack[internals.stack.length - 1];
      assign.call(this, operator, feature, value, cstNode, crossRef);
      if (typeof value === 'object' && value !== null && isAstNode(value) && container.$type !== DatatypeSymbol) {
        const list = operator === '+=' ? (container[feature] as unknown[]) : undefined;
        linkChild(container as unknown as AstNode, feature, value, list && list.length - 1);
      }
    };
    const assignWithoutOverride = internals.assignWithoutOverride;
    internals.assignWithoutOverride = (target, source) => {
      const merged = assignWithoutOverride.call(this, target, source);
      relinkChildren(merged, Object.keys(source));
      return merged;
    };
  }

  private readonly consumeInfo = new Map<GrammarAST.AbstractElement, ConsumeInfo>();

  /**
   * `LangiumParser.consume`, with what it asks about the grammar element per token (its assignment,
   * looked up twice in a map and destructured, and whether it is a keyword, a reflection check)
   * answered once per element. Runs for every token of the file.
   */
  override consume(idx: number, tokenType: TokenType, feature: GrammarAST.AbstractElement): void {
    const internals = this as unknown as LangiumParserInternals;
    const token = this.wrapper.wrapConsume(idx, tokenType);
    if (this.isRecording() || !internals.isValidToken(token)) return;
    internals.nodeBuilder.addHiddenNodes(internals.extractHiddenTokens(token));
    const leafNode = internals.nodeBuilder.buildLeafNode(token, feature);
    let info = this.consumeInfo.get(feature);
    if (!info) {
      const { assignment, crossRef } = internals.getAssignment(feature);
      info = { assignment, crossRef, keyword: GrammarAST.isKeyword(feature) };
      this.consumeInfo.set(feature, info);
    }
    if (info.assignment) {
      const value = info.keyword ? token.image : internals.converter.convert(token.image, leafNode);
      internals.assign(info.assignment.operator, info.assignment.feature, value, leafNode, info.crossRef);
      return;
    }
    const current = internals.stack[internals.stack.length - 1];
    if (current.$type === DatatypeSymbol) {
      current.value += info.keyword ? token.image : String(internals.converter.convert(token.image, leafNode));
    }
  }

  /**
   * `LangiumParser.construct`: close the current node; data type rules give their converted text,
   * other nodes get their defaults. Infix rules, the one other case, are refused by parser-builder.ts.
   */
  private constructNode(internals: LangiumParserInternals, defaults: MandatoryDefaults): unknown {
    if (this.isRecording()) return undefined;
    const obj = internals.stack.pop()!;
    internals.nodeBuilder.construct(obj as Parameters<CstNodeBuilder['construct']>[0]);
    if (obj.$type === DatatypeSymbol) return internals.converter.convert(obj.value!, obj.$cstNode!);
    defaults.fill(obj as Record<string, unknown> & { $type: string });
    return obj;
  }

  override parse<T extends AstNode = AstNode>(input: string, options: ParserOptions = {}): ParseResult<T> {
    const internals = this as unknown as LangiumParserInternals;
    internals.nodeBuilder.buildRootNode(input);
    const lexerResult = this.lexer.tokenize(input);
    internals.lexerResult = lexerResult;
    this.wrapper.input = lexerResult.tokens;
    const ruleMethod = options.rule ? this.allRules.get(options.rule) : this.mainRule;
    if (!ruleMethod) throw new Error(options.rule ? `No rule found with name '${options.rule}'` : 'No main rule available.');
    const result = internals.doParse(ruleMethod);
    internals.nodeBuilder.addHiddenNodes(lexerResult.hidden);
    this.unorderedGroups.clear();
    internals.lexerResult = undefined;
    return { value: result as T, lexerErrors: lexerResult.errors, lexerReport: lexerResult.report, parserErrors: this.wrapper.errors };
  }
}

/**
 * `LangiumParser.startImplementation`: a rule's method pushes an empty node of the rule's type, runs
 * the rule and closes the node. The node comes from a per-type constructor (ast-node-shapes.ts)
 * instead of the literal `{ $type }`. Infix rules, which Langium marks here, are refused by
 * parser-builder.ts.
 */
function startImplementation(
  internals: LangiumParserInternals,
  shapes: AstNodeShapes,
  type: string | typeof DatatypeSymbol | undefined,
  infixName: string | undefined,
  implementation: (args: Record<string, boolean>) => void,
): (args: Record<string, boolean>) => unknown {
  if (infixName !== undefined) throw new Error(`language-server/parser/mlpipe-parser.ts does not support infix rule ${infixName}`);
  const make = typeof type === 'string' ? shapes.maker(type) : undefined;
  return (args) => {
    const createNode = type !== undefined && !internals.isRecording();
    if (createNode) internals.stack.push(make ? make() : { $type: DatatypeSymbol, value: '' });
    implementation(args);
    return createNode ? internals.construct() : undefined;
  };
}

/**
 * `LangiumParser.extractHiddenTokens`: the comments in front of `token`, taken off the lexer's list.
 * Langium splices even when there are none, a new empty array for every token of a file that has a
 * comment anywhere after it.
 */
function extractHiddenTokens(internals: LangiumParserInternals, token: IToken): IToken[] {
  const hidden = internals.lexerResult!.hidden;
  if (!hidden.length || hidden[0].startOffset > token.startOffset) return NO_TOKENS;
  for (let i = 1; i < hidden.length; i++) {
    if (hidden[i].startOffset > token.startOffset) return hidden.splice(0, i);
  }
  return hidden.splice(0, hidden.length);
}
