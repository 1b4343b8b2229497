/**
 * What the language features may know about a document's data: real column names (completion) and
 * column profiles (hover). The core language services use an empty catalog; the language server
 * plugs in the DuckDB-backed one (server-data/), so the CLI and unit tests never open a database.
 */
export interface ColumnSummary {
  name: string;
  type: string;
}

export interface DataCatalog {
  /** Columns of a source or feature view of the document, as last read from its data. */
  columns(uri: string, node: string): ColumnSummary[] | undefined;
  /** Markdown describing a column's data (type, nulls, distribution), or undefined when unknown. */
  describeColumn(uri: string, node: string, column: string): Promise<string | undefined>;
}

export const NO_DATA: DataCatalog = {
  columns: () => undefined,
  describeColumn: async () => undefined,
};

/** The catalog in use; the language server swaps in the data-backed one at start-up. */
export class DataCatalogHolder {
  current: DataCatalog = NO_DATA;
}
