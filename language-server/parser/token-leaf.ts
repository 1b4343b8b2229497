import type { IToken, TokenType } from 'chevrotain';
import { AbstractCstNode, DefaultLexer, type AstNode, type LangiumCoreServices, type LeafCstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';

/**
 * A lexer token that is also its own CST leaf node.
 *
 * Langium copies every consumed token's position into a new `LeafCstNodeImpl`, so a parse holds two
 * objects per token until it ends: on the 2,000-step benchmark file 106k tokens (12.5 MB) and 106k
 * leaves (11 MB), all copied by every young-generation collection that runs during the parse. Here the
 * lexer makes tokens of this class, and the CST builder (mlpipe-parser.ts) adopts each consumed token
 * as its leaf: same fields as Chevrotain's token, plus the two CST links, and the positions Langium's
 * leaf would store answered from the token's own.
 */
export class TokenLeaf extends AbstractCstNode implements IToken, LeafCstNode {
  endOffset: number;
  endLine: number;
  endColumn: number;
  /** Set when the CST builder adopts the token as a leaf; a hidden leaf is a comment. */
  private _hidden = false;

  constructor(
    public image: string,
    public startOffset: number,
    public tokenTypeIdx: number,
    public tokenType: TokenType,
    public startLine: number,
    public startColumn: number,
    imageLength: number,
  ) {
    super();
    // What Chevrotain's createFullToken sets; its lexer corrects endLine/endColumn for multi-line tokens.
    this.endOffset = startOffset + imageLength - 1;
    this.endLine = startLine;
    this.endColumn = startColumn + imageLength - 1;
  }

  /** Makes this token a CST leaf; false when it already is one (a token is consumed once, but be sure). */
  adopt(hidden: boolean): boolean {
    if (this.container !== undefined) return false;
    this._hidden = hidden;
    return true;
  }

  get offset(): number {
    return this.startOffset;
  }

  get length(): number {
    return this.image.length;
  }

  get end(): number {
    return this.startOffset + this.image.length;
  }

  get hidden(): boolean {
    return this._hidden;
  }

  get astNode(): AstNode {
    const container = this.container;
    if (!container) throw new Error('This node has no associated AST element');
    return container.astNode;
  }

  /** LeafCstNodeImpl's range: Chevrotain's lines and columns are 1-based and its end column inclusive. */
  get range(): Range {
    return {
      start: { line: this.startLine - 1, character: this.startColumn - 1 },
      end: { line: this.endLine - 1, character: this.endColumn },
    };
  }
}

/** Chevrotain's lexer internals that decide what a token is (chevrotain 11, lib/src/scan/lexer_public.js). */
interface ChevrotainLexerInternals {
  createTokenInstance: (image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, startLine: number, startColumn: number, imageLength: number) => IToken;
}

/** Langium's lexer, making `TokenLeaf`s where Chevrotain makes plain token objects. */
export class MLPipeLexer extends DefaultLexer {
  constructor(services: LangiumCoreServices) {
    super(services);
    const lexer = this.chevrotainLexer as unknown as ChevrotainLexerInternals;
    if (typeof lexer.createTokenInstance !== 'function') throw new Error('chevrotain lexer has no createTokenInstance: see language-server/parser/token-leaf.ts');
    lexer.createTokenInstance = (image, startOffset, tokenTypeIdx, tokenType, startLine, startColumn, imageLength) =>
      new TokenLeaf(image, startOffset, tokenTypeIdx, tokenType, startLine, startColumn, imageLength);
  }
}
