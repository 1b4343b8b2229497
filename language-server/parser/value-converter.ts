import { DefaultValueConverter, GrammarUtils, ValueConverter, type CstNode, type GrammarAST, type ValueType } from 'langium';

type Convert = (input: string, cstNode: CstNode) => ValueType;

/**
 * Langium's value conversion, decided once per terminal rule instead of once per token: the default
 * upper-cases the rule's name and lower-cases its type on every token it converts (two new strings
 * for each of a large file's ≈100k tokens). Quoted strings without a backslash, nearly all of them,
 * are sliced rather than rebuilt a character at a time; the result is the same.
 */
export class MLPipeValueConverter extends DefaultValueConverter {
  private readonly byRule = new Map<GrammarAST.AbstractRule, Convert>();

  protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
    let convert = this.byRule.get(rule);
    if (!convert) {
      convert = this.converterFor(rule);
      this.byRule.set(rule, convert);
    }
    return convert(input, cstNode);
  }

  /** The branch `DefaultValueConverter.runConverter` takes for this rule, whatever the input. */
  private converterFor(rule: GrammarAST.AbstractRule): Convert {
    switch (rule.name.toUpperCase()) {
      case 'STRING':
        return (input) => (input.includes('\\') ? ValueConverter.convertString(input) : input.slice(1, -1));
      case 'ID':
        return ValueConverter.convertID;
      case 'INT':
        break;
      default: {
        const type = GrammarUtils.getRuleType(rule)?.toLowerCase();
        if (type !== 'number' && type !== 'boolean' && type !== 'bigint' && type !== 'date') return (input) => input;
      }
    }
    return (input, cstNode) => super.runConverter(rule, input, cstNode);
  }
}
