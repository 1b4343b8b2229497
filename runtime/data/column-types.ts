/** How the engine treats a DuckDB column type: which statistics, which drift test, which declared names match it. */
export type ColumnKind = 'numeric' | 'boolean' | 'temporal' | 'text' | 'other';

export interface ColumnInfo {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP, DECIMAL(10,2). */
  type: string;
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const FLOAT = /^(FLOAT|DOUBLE|REAL)$/;
const DECIMAL = /^DECIMAL/;
const TEMPORAL = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$/;

export function kindOf(type: string): ColumnKind {
  if (INTEGER.test(type) || FLOAT.test(type) || DECIMAL.test(type)) return 'numeric';
  if (type === 'BOOLEAN') return 'boolean';
  if (TEMPORAL.test(type)) return 'temporal';
  if (type === 'VARCHAR' || type === 'UUID' || type.startsWith('ENUM')) return 'text';
  return 'other';
}

export function isInteger(type: string): boolean {
  return INTEGER.test(type);
}

/** A type name as written in a .mlpipe schema or `type` expectation, mapped to DuckDB's cast target. */
export interface DeclaredType {
  family: 'integer' | 'float' | 'string' | 'boolean' | 'timestamp' | 'date';
  castTo: string;
}

const DECLARED: Record<string, DeclaredType> = {
  int: { family: 'integer', castTo: 'BIGINT' }, integer: { family: 'integer', castTo: 'BIGINT' },
  bigint: { family: 'integer', castTo: 'BIGINT' }, long: { family: 'integer', castTo: 'BIGINT' },
  float: { family: 'float', castTo: 'DOUBLE' }, double: { family: 'float', castTo: 'DOUBLE' },
  number: { family: 'float', castTo: 'DOUBLE' }, real: { family: 'float', castTo: 'DOUBLE' },
  decimal: { family: 'float', castTo: 'DOUBLE' },
  string: { family: 'string', castTo: 'VARCHAR' }, str: { family: 'string', castTo: 'VARCHAR' },
  text: { family: 'string', castTo: 'VARCHAR' }, varchar: { family: 'string', castTo: 'VARCHAR' },
  bool: { family: 'boolean', castTo: 'BOOLEAN' }, boolean: { family: 'boolean', castTo: 'BOOLEAN' },
  timestamp: { family: 'timestamp', castTo: 'TIMESTAMP' }, datetime: { family: 'timestamp', castTo: 'TIMESTAMP' },
  date: { family: 'date', castTo: 'DATE' },
};

export function declaredType(name: string): DeclaredType | undefined {
  return DECLARED[name.toLowerCase()];
}

export const DECLARED_TYPE_NAMES = Object.keys(DECLARED);

/**
 * Whether data of DuckDB type `actual` satisfies a declared family. Integers satisfy `float` (every
 * integer is a valid double, and CSV sniffing reads whole-number amounts as BIGINT); nothing else widens.
 */
export function satisfies(actual: string, declared: DeclaredType): boolean {
  switch (declared.family) {
    case 'integer': return INTEGER.test(actual);
    case 'float': return INTEGER.test(actual) || FLOAT.test(actual) || DECIMAL.test(actual);
    case 'string': return actual === 'VARCHAR';
    case 'boolean': return actual === 'BOOLEAN';
    case 'timestamp': return /^TIMESTAMP/.test(actual);
    case 'date': return actual === 'DATE';
  }
}
