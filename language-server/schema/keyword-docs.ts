/** Hover and completion documentation for the language's words. Markdown. */
export const KEYWORD_DOCS: Record<string, string> = {
  pipeline: 'A **pipeline**: one per file. Holds params, sources, feature views, training sets, steps, models, deployments and monitors.\n\n`pipeline churn "What it predicts" { ... }`',
  param: 'A pipeline **param**: a typed value steps can use by name; overridable per run.\n\n`param learning_rate: float = 0.05 "description"`',
  source: 'A **source**: a data set read from files (CSV/TSV, Parquet, JSON; a path or a glob), with data-quality `expect`ations.',
  features: 'A **feature view**: feature columns keyed by entity and event time, computed from a source or SQL. Training sets join it point-in-time, so no future value leaks into training.',
  feature: 'A **feature** column of a feature view: `feature name: type "description"`. Training sets name it as `view.name`.',
  training_set: 'A **training set**: label rows joined point-in-time with features (for each label, the latest feature values at or before the label time, within the view\'s TTL).',
  step: 'A **step**: one unit of work (`sql`, `python`, `notebook`, `shell`, `node` or `evaluate`) with inputs, named outputs, params, resources, retries and a target.\n\n`step train: python { ... }`',
  model: 'A registered **model**: each successful run of the step that produces it adds a version; promotion checks the gates again.',
  deploy: 'A **deployment**: a local REST endpoint serving `model@alias`.',
  monitor: 'A **monitor**: compares current data with reference data for drift and can retrain.',
  target: 'A **target**: where steps run: `local`, `ssh` (a remote host) or `slurm` (a cluster through its login host).',
  expect: 'A data-quality **expectation** on the source\'s data, checked by `mlpipe check` and shown inline when it fails.\n\n`expect age between 18 and 120 mostly 0.99 severity warning`',
  not_null: '`column not_null`: no value is null (Great Expectations: expect_column_values_to_not_be_null).',
  unique: '`column unique`: no value repeats; `unique(a, b)`: no combination repeats (expect_column_values_to_be_unique / expect_compound_columns_to_be_unique).',
  exists: '`column exists`: the data has this column (expect_column_to_exist).',
  between: '`column between MIN and MAX`: every value in the inclusive range (expect_column_values_to_be_between). Also after `row_count`, `length` and `mean(...)` etc.',
  and: 'Separates the bounds of `between MIN and MAX`.',
  in: '`column in [a, b]`: every value in the set (expect_column_values_to_be_in_set); `column in other.column`: every value exists in another source (referential integrity).',
  not_in: '`column not_in [a, b]`: no value in the set (expect_column_values_to_not_be_in_set).',
  matches: '`column matches "regex"`: every value matches the regular expression (expect_column_values_to_match_regex).',
  type: '`column type double`: the column has this type (expect_column_values_to_be_of_type).',
  length: '`column length between 1 and 64`: string lengths in range (expect_column_value_lengths_to_be_between).',
  within: '`freshness column within 2d`: the newest timestamp is at most this old.',
  row_count: '`row_count between MIN and MAX`: the number of rows (expect_table_row_count_to_be_between).',
  freshness: '`freshness column within 2d`: the newest value of a timestamp column is recent enough.',
  mostly: '`mostly 0.95`: the expectation passes when at least this fraction of rows pass (Great Expectations\' `mostly`).',
  severity: '`severity warning`: a failed expectation warns instead of failing checks (default `error`).',
  true: 'Boolean true.',
  false: 'Boolean false.',
};

export const EXPECTATION_FUNCTION_DOCS: Record<string, string> = {
  unique: '`unique(a, b)`: no combination of these columns repeats.',
  mean: '`mean(column) between MIN and MAX` (expect_column_mean_to_be_between).',
  median: '`median(column) between MIN and MAX` (expect_column_median_to_be_between).',
  stddev: '`stddev(column) between MIN and MAX` (expect_column_stdev_to_be_between).',
  min: '`min(column) between MIN and MAX` (expect_column_min_to_be_between).',
  max: '`max(column) between MIN and MAX` (expect_column_max_to_be_between).',
  sum: '`sum(column) between MIN and MAX` (expect_column_sum_to_be_between).',
};

export const STEP_KIND_DOCS: Record<string, string> = {
  sql: 'DuckDB SQL; the result is written as Parquet.',
  python: 'A Python script run as a process.',
  notebook: 'A Jupyter notebook executed headless, params injected as its first cell.',
  shell: 'A shell command.',
  node: 'A Node.js script.',
  evaluate: 'Scores held-out data with a model, computes metrics, applies gates.',
};

export const TARGET_KIND_DOCS: Record<string, string> = {
  local: 'This machine.',
  ssh: 'A machine reached over SSH.',
  slurm: 'A Slurm cluster through its login host.',
};
