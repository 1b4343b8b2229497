import { DefaultTokenBuilder, type Grammar, type TokenBuilderOptions } from 'langium';
import type { TokenType, TokenVocabulary } from 'chevrotain';

/**
 * Words that are keywords only inside an expectation sentence. Users may still name columns and
 * blocks with them (`type`, `length`, `in` ...). Putting their tokens in the ID category lets the
 * grammar say `Name: ID` instead of listing them as alternatives, which made every name a 16-way
 * decision and the parser several times slower.
 */
export const SOFT_KEYWORDS = new Set([
  'between', 'and', 'in', 'not_in', 'not_null', 'unique', 'exists', 'matches', 'type', 'length', 'within', 'mostly',
  'severity', 'row_count', 'freshness',
]);

export class MLPipeTokenBuilder extends DefaultTokenBuilder {
  override buildTokens(grammar: Grammar, options?: TokenBuilderOptions): TokenVocabulary {
    const tokens = super.buildTokens(grammar, options) as TokenType[];
    const id = tokens.find((t) => t.name === 'ID');
    if (!id) throw new Error('grammar has no ID terminal');
    for (const t of tokens) if (SOFT_KEYWORDS.has(t.name)) t.CATEGORIES = [id];
    return tokens;
  }
}
