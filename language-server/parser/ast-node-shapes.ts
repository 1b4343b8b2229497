/**
 * Makes the empty AST node a parser rule starts with (`{ $type }` in Langium's `startImplementation`),
 * so that V8 reserves room for its properties inside the object.
 *
 * An object literal with one property gets one in-object slot; every property the parser adds later
 * (`$cstNode`, the grammar's properties, the defaults, `$container`, `$containerProperty`,
 * `$containerIndex`: up to nine) goes to a separate property array that V8 reallocates and copies as
 * it grows (3, 6, 9 slots): four objects per AST node, three of them garbage by the end of the parse.
 * An object made by `new` of a constructor starts with room for the properties its constructor
 * assigns plus eight, and V8's slack tracking trims that to what the first instances used: one
 * object per AST node. One constructor per type, so each type is trimmed to its own size.
 *
 * The nodes stay plain objects: the constructor's prototype is `Object.prototype`, so
 * `Object.getPrototypeOf(node)`, `node.constructor`, own keys and their order are what the literal
 * gave (test/unit/parser/ast-node-shapes.test.ts).
 */
export class AstNodeShapes {
  private readonly byType = new Map<string, NodeConstructor>();

  /** The function that makes an empty node of `type`; ask once per rule, call per node. */
  maker(type: string): () => { $type: string } {
    let ctor = this.byType.get(type);
    if (!ctor) {
      ctor = nodeConstructor();
      this.byType.set(type, ctor);
    }
    const make = ctor;
    return () => new make(type);
  }
}

type NodeConstructor = new (type: string) => { $type: string };

/** A fresh constructor each call: V8 keeps an initial map, and so a slack-tracked size, per function. */
function nodeConstructor(): NodeConstructor {
  // A function, not a class: a class's prototype property cannot be replaced.
  const ctor = function (this: { $type: string }, type: string) {
    this.$type = type;
  } as unknown as NodeConstructor;
  ctor.prototype = Object.prototype;
  return ctor;
}
