import type { IOrAlt, TokenType, TokenVocabulary } from 'chevrotain';
import { GrammarAST, GrammarUtils, type BaseParser, type Grammar } from 'langium';

/**
 * Defines the parser rules of a grammar on a Langium parser, like Langium's own `createParser`
 * (parser/parser-builder-base.js), but without allocating on every rule invocation.
 *
 * Langium's builder supports rule parameters and guard conditions, so each time an alternative or a
 * repetition runs it builds fresh closures and option objects that capture the rule's arguments:
 * on a 2,000-step pipeline that was ≈100 MB of garbage per parse, 40% of everything parsing
 * allocated, and most of the parse time went to the garbage collector. This grammar has no
 * parameters and no guards, so every closure and option object is built once, here.
 *
 * Anything this builder does not support (parameters, guards, unordered groups, infix rules,
 * cross-references, EOF) is refused when the services are created, so a grammar change that needs them
 * fails every test at once instead of parsing differently.
 */
export function defineRules(grammar: Grammar, parser: BaseParser, tokens: TokenVocabulary): void {
  const dictionary = tokens as Record<string, TokenType>;
  const reachable = GrammarUtils.getAllReachableRules(grammar, false);
  for (const rule of grammar.rules) {
    if (!reachable.has(rule)) continue;
    if (GrammarAST.isInfixRule(rule)) unsupported(`infix rule ${rule.name}`);
    if (!GrammarAST.isParserRule(rule)) continue;
    if (rule.parameters.length) unsupported(`parameters of rule ${rule.name}`);
    const builder = new RuleBuilder(parser, dictionary);
    parser.rule(rule, builder.element(rule.definition));
  }
}

type Method = () => void;

/** The rule arguments Langium would pass: this grammar has no parameters, so always none. */
const NO_ARGS: Record<string, boolean> = Object.freeze({}) as Record<string, boolean>;

/**
 * Builds one rule. Chevrotain needs each DSL call in a rule to have its own occurrence index per
 * kind (consume, subrule, or, many, option), numbered as Langium numbers them.
 */
class RuleBuilder {
  private consumeIdx = 1;
  private optionalIdx = 1;
  private subruleIdx = 1;
  private manyIdx = 1;
  private orIdx = 1;

  constructor(private readonly parser: BaseParser, private readonly tokens: Record<string, TokenType>) {}

  element(element: GrammarAST.AbstractElement): Method {
    if (GrammarAST.isGroup(element) && element.guardCondition) unsupported('guard conditions');
    return this.repeat(this.single(element), element.cardinality);
  }

  private single(element: GrammarAST.AbstractElement): Method {
    const parser = this.parser;
    if (GrammarAST.isKeyword(element)) {
      const idx = this.consumeIdx++;
      const token = this.token(element.value);
      return () => parser.consume(idx, token, element);
    }
    if (GrammarAST.isAction(element)) {
      const type = GrammarUtils.getTypeName(element);
      return () => parser.action(type, element);
    }
    if (GrammarAST.isAssignment(element)) {
      if (GrammarAST.isCrossReference(element.terminal)) unsupported('cross-references');
      return this.element(element.terminal);
    }
    if (GrammarAST.isRuleCall(element)) return this.ruleCall(element);
    if (GrammarAST.isAlternatives(element)) return this.alternatives(element);
    if (GrammarAST.isUnorderedGroup(element)) unsupported('unordered groups');
    if (GrammarAST.isGroup(element)) {
      const methods = element.elements.map((e) => this.element(e));
      return () => {
        for (const m of methods) m();
      };
    }
    return unsupported(`grammar element ${element.$type}`);
  }

  private ruleCall(call: GrammarAST.RuleCall): Method {
    const parser = this.parser;
    const rule = call.rule.ref;
    if (GrammarAST.isTerminalRule(rule)) {
      const idx = this.consumeIdx++;
      const token = this.token(rule.name);
      return () => parser.consume(idx, token, call);
    }
    if (!GrammarAST.isParserRule(rule)) return unsupported(`call of ${call.rule.$refText}`);
    if (call.arguments.length) unsupported(`arguments in the call of ${rule.name}`);
    const idx = this.subruleIdx++;
    const fragment = rule.fragment;
    // Rules are defined in grammar order, so a call may name one not defined yet: look it up once.
    let callee: ReturnType<BaseParser['getRule']>;
    return () => {
      callee ??= parser.getRule(rule.name) ?? unsupported(`rule ${rule.name} is not defined`);
      parser.subrule(idx, callee, fragment, call, NO_ARGS);
    };
  }

  private alternatives(element: GrammarAST.Alternatives): Method {
    if (element.elements.length === 1) return this.element(element.elements[0]);
    const alts: IOrAlt<unknown>[] = element.elements.map((e) => {
      if (GrammarAST.isGroup(e) && e.guardCondition) unsupported('guard conditions');
      return { ALT: this.element(e) };
    });
    const idx = this.orIdx++;
    const parser = this.parser;
    return () => parser.alternatives(idx, alts);
  }

  private repeat(method: Method, cardinality: '*' | '+' | '?' | undefined): Method {
    const parser = this.parser;
    const options = { DEF: method };
    switch (cardinality) {
      case undefined:
        return method;
      case '*': {
        const idx = this.manyIdx++;
        return () => parser.many(idx, options);
      }
      case '+': {
        const idx = this.manyIdx++;
        return () => parser.atLeastOne(idx, options);
      }
      case '?': {
        const idx = this.optionalIdx++;
        return () => parser.optional(idx, options);
      }
    }
  }

  private token(name: string): TokenType {
    return this.tokens[name] ?? unsupported(`no token for ${name}`);
  }
}

function unsupported(what: string): never {
  throw new Error(`language-server/parser/parser-builder.ts does not support ${what}; use Langium's createParser`);
}
