import { DefaultLinker, DefaultScopeComputation, MultiMap, type AstNodeDescription, type LangiumDocument, type LocalSymbols } from 'langium';

/**
 * The grammar has no Langium cross-references: names resolve in analysis/symbols.ts, where a bare
 * name's meaning depends on the property it is in. Langium's default scope computation would walk the
 * whole AST twice per edit to build tables nothing reads.
 */
export class NoScopeComputation extends DefaultScopeComputation {
  override async collectExportedSymbols(_document: LangiumDocument): Promise<AstNodeDescription[]> {
    return [];
  }

  override async collectLocalSymbols(_document: LangiumDocument): Promise<LocalSymbols> {
    return new MultiMap();
  }
}

/** Nothing to link (see above); the default linker awaits once per AST node to find no references. */
export class NoLinker extends DefaultLinker {
  override async link(): Promise<void> {}
}
