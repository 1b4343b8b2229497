import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { listRuns } from '../../../runtime/tracking/runs.js';
import { run, tempWorkspace } from './helpers.js';

// Each step kind against real interpreters and DuckDB: sql (output formats, inputs as tables), a feature
// view materialised for a process step, Python and Node steps through their SDKs, notebooks through Jupyter.

const hasJupyter = ['python3', '/usr/bin/python3'].some((p) => spawnSync(p, ['-c', 'import nbclient, ipykernel'], { stdio: 'ignore' }).status === 0);
const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

describe('step kinds', () => {
  const t = tempWorkspace();
  t.write('data/events.csv', 'user,ts,amount\nu1,2024-01-01 10:00:00,5\nu1,2024-01-02 10:00:00,7\nu2,2024-01-01 09:00:00,"1,5"\n');
  t.write('p.mlpipe', `pipeline kinds {
  param factor: float = 2.0
  source events { path "data/events.csv" }
  features per_user {
    entity user
    timestamp ts
    sql """
      select "user", ts, count(*) over (partition by "user" order by ts) as n
      from events
    """
    feature n: int
  }
  step totals: sql {
    inputs [events]
    sql """
      select user, count(*) as events from events group by user order by user
    """
    outputs { rows: "totals.csv" }
  }
  step doubled: sql {
    inputs [totals.rows]
    sql """
      select user, events * 2 as twice from totals order by user
    """
    outputs { rows: "doubled.parquet" }
  }
  step as_json: sql {
    inputs [doubled.rows]
    sql "select * from doubled"
    outputs { rows: "doubled.jsonl" }
  }
  step py: python {
    script "steps/py_step.py"
    inputs [totals.rows, per_user]
    outputs { out: "out.json" }
    params { factor: factor }
  }
  step js: node {
    script "steps/js_step.mjs"
    inputs [totals.rows, doubled.rows]
    outputs { out: "out.txt" }
  }
}
`);
  t.write('steps/py_step.py', `import json, mlpipe
table = mlpipe.read_table("totals")
views = mlpipe.inputs()
factor = mlpipe.params()["factor"]
for i, n in enumerate(table["events"]):
    mlpipe.log_metric("scaled", n * factor, step=i)
mlpipe.log_param("users", len(table["user"]))
mlpipe.set_tag("owner", "tests")
json.dump({"users": table["user"], "events": table["events"], "view": views["per_user"].endswith(".parquet")}, open(mlpipe.output_path("out"), "w"))
print("python done")
`);
  t.write('steps/js_step.mjs', `import * as mlpipe from 'mlpipe/sdk';
import { writeFileSync } from 'node:fs';
const t = mlpipe.readTable('totals.rows');
let parquet = '';
try { mlpipe.readTable('doubled.rows'); } catch (e) { parquet = e.message; }
writeFileSync(mlpipe.outputPath('out'), JSON.stringify({ columns: t.columns, events: t.data.events, parquet }));
`);

  test.skipIf(!hasPython)('sql writes CSV, Parquet or JSON by extension; python and node steps read them through their SDKs', async () => {
    const r = await run(t, 'p.mlpipe');
    expect(r.of('step_failed')).toEqual([]);
    expect(r.ran).toEqual(['as_json', 'doubled', 'js', 'per_user', 'py', 'totals']);
    const out = (step: string, name: string) => r.of('step_finished').find((e) => e.step === step)!.outputs[name].path;
    expect(readFileSync(out('totals', 'rows'), 'utf8')).toBe('user,events\nu1,2\nu2,1\n');
    expect(readFileSync(out('as_json', 'rows'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ user: 'u1', twice: 4 }, { user: 'u2', twice: 2 }]);
    expect(JSON.parse(readFileSync(out('py', 'out'), 'utf8'))).toEqual({ users: ['u1', 'u2'], events: [2, 1], view: true });
    const metrics = r.of('step_metric').filter((e) => e.step === 'py').flatMap((e) => e.points);
    expect(metrics.map((p) => [p.key, p.value, p.step])).toEqual([['scaled', 4, 0], ['scaled', 2, 1]]);
    expect(r.of('step_params')).toMatchObject([{ step: 'py', params: { users: 2 } }]);
    expect(listRuns(t.ws)[0].tags).toEqual({ owner: 'tests' });
    const js = JSON.parse(readFileSync(out('js', 'out'), 'utf8'));
    expect(js).toMatchObject({ columns: ['user', 'events'], events: [2, 1] });
    expect(js.parquet).toContain('is Parquet, which readTable cannot read without a library');
    // The feature view a python step reads is materialised as its own node.
    expect(r.of('step_finished').find((e) => e.step === 'per_user')!.kind).toBe('view');
  });

  test('a sql error fails the step with DuckDB\'s message, prefixed with the step', async () => {
    t.write('bad.mlpipe', 'pipeline b {\n  source events { path "data/events.csv" }\n  step s: sql {\n    inputs [events]\n    sql "select nope from events"\n  }\n}\n');
    const r = await run(t, 'bad.mlpipe');
    expect(r.of('step_failed')[0].error).toMatch(/^s: .*nope/);
  });
});

describe.skipIf(!hasJupyter && !process.env.CI)('notebook steps', () => {
  const t = tempWorkspace();
  const nb = (cells: { source: string; tags?: string[] }[]) => JSON.stringify({
    cells: cells.map((c) => ({ cell_type: 'code', execution_count: null, metadata: c.tags ? { tags: c.tags } : {}, outputs: [], source: c.source })),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5,
  });
  t.write('nb/ok.ipynb', nb([
    { source: 'n = 1', tags: ['parameters'] },
    { source: "import mlpipe\nprint('n is', n)\nmlpipe.log_metric('n', n)\nopen(mlpipe.output_path('numbers'), 'w').write(str(list(range(n))))" },
  ]));
  t.write('nb/broken.ipynb', nb([{ source: 'x = 1' }, { source: "print('before')\n1/0" }, { source: "print('never')" }]));
  t.write('p.mlpipe', `pipeline nb {
  param n: int = 3
  step ok: notebook {
    notebook "nb/ok.ipynb"
    params { n: n }
    outputs { numbers: "numbers.txt" }
  }
  step broken: notebook {
    notebook "nb/broken.ipynb"
  }
}
`);

  test('params are injected after the parameters cell, the executed notebook is kept, a failing cell is named', async () => {
    const r = await run(t, 'p.mlpipe', { params: { n: '4' } });
    const ok = r.of('step_finished').find((e) => e.step === 'ok')!;
    expect(readFileSync(ok.outputs.numbers.path, 'utf8')).toBe('[0, 1, 2, 3]');
    const executed = JSON.parse(readFileSync(ok.outputs.notebook.path, 'utf8'));
    expect(executed.cells.map((c: { metadata: { tags?: string[] } }) => c.metadata.tags ?? [])).toEqual([['parameters'], ['injected-parameters'], []]);
    expect(executed.cells[2].outputs[0].text).toEqual(['n is 4\n']);
    expect(r.of('step_log').filter((e) => e.step === 'ok').map((e) => e.line)).toContain('n is 4');
    expect(r.of('step_failed')).toMatchObject([{ step: 'broken', reason: 'exit', error: 'cell 2 failed ("print(\'before\')"): ZeroDivisionError: division by zero (exit code 1)' }]);
  }, 60_000);
});
