import type { AstReflection, PropertyType } from 'langium';

type Defaults = ReadonlyArray<readonly [name: string, value: PropertyType]>;

/**
 * What Langium's `assignMandatoryProperties` does when the parser closes an AST node (fill in `[]`
 * and `false` for properties the text left out), with each type's list of defaults looked up once.
 * Langium calls `Object.values` on the type's property table for every node: an array per AST node,
 * about 60k per parse of the 2,000-step benchmark file.
 */
export class MandatoryDefaults {
  private readonly byType = new Map<string, Defaults>();

  constructor(private readonly reflection: AstReflection) {}

  fill(node: Record<string, unknown> & { $type: string }): void {
    let defaults = this.byType.get(node.$type);
    if (!defaults) {
      defaults = Object.values(this.reflection.getTypeMetaData(node.$type).properties)
        .filter((p) => p.defaultValue !== undefined)
        .map((p) => [p.name, p.defaultValue!] as const);
      this.byType.set(node.$type, defaults);
    }
    for (const [name, value] of defaults) {
      if (node[name] === undefined) node[name] = copy(value);
    }
  }
}

/** Langium's `copyDefaultValue`: arrays are fresh (every node gets its own list), scalars shared. */
function copy(value: PropertyType): PropertyType {
  return Array.isArray(value) ? value.map(copy) : value;
}
