import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { localImports } from '../../../runtime/exec/local-imports.js';
import { run, tempWorkspace } from './helpers.js';

describe('local imports of a step\'s code', () => {
  test('Python: absolute, relative, packages and their __init__, submodules, notebooks; not installed packages', () => {
    const t = tempWorkspace();
    t.write('steps/train.py', [
      'import os, numpy as np',
      'import helpers',
      'from features.build import make  # a package module',
      'from features import encode',
      '# import commented_out',
      'def f():',
      '    import lazy',
    ].join('\n'));
    t.write('steps/helpers.py', 'from .util import x\n');
    t.write('steps/util.py', 'import helpers  # a cycle back\n');
    t.write('steps/lazy.py', '');
    t.write('steps/commented_out.py', '');
    t.write('features/__init__.py', '');
    t.write('features/build.py', 'from ..shared import consts\n');
    t.write('features/encode.py', '');
    t.write('shared.py', '');
    t.write('numpy.py', ''); // would shadow numpy if it were importable from here: it is, so it counts
    t.write('nb.ipynb', JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['import shared'] }, { cell_type: 'code', source: ['from features.encode import y\n'] }] }));
    const rel = (files: string[]) => files.map((f) => f.slice(t.dir.length + 1));
    expect(rel(localImports([t.path('steps/train.py')], t.dir))).toEqual([
      'features/__init__.py', 'features/build.py', 'features/encode.py', 'numpy.py', 'shared.py', 'steps/helpers.py', 'steps/lazy.py', 'steps/util.py',
    ]);
    expect(rel(localImports([t.path('nb.ipynb')], t.dir))).toEqual(['features/__init__.py', 'features/encode.py']);
  });

  test('JavaScript and TypeScript: import, export from, dynamic import, require; extensions and index files', () => {
    const t = tempWorkspace();
    t.write('steps/train.mjs', [
      "import * as mlpipe from 'mlpipe/sdk';",
      "import { fit } from './lib/fit.js';",
      "export { x } from '../shared/x.mjs';",
      "const later = await import('./lazy');",
      "const { a } = require('./cjs/a.cjs');",
      "import './lib';",
    ].join('\n'));
    t.write('steps/lib/fit.ts', "import { helper } from './helper.js';\n"); // TypeScript imports its .js name
    t.write('steps/lib/helper.ts', '');
    t.write('steps/lib/index.js', '');
    t.write('steps/lazy.mjs', '');
    t.write('steps/cjs/a.cjs', "module.exports = require('../lazy.mjs');\n");
    t.write('shared/x.mjs', '');
    const found = localImports([t.path('steps/train.mjs')], t.dir).map((f) => f.slice(t.dir.length + 1));
    expect(found).toEqual(['shared/x.mjs', 'steps/cjs/a.cjs', 'steps/lazy.mjs', 'steps/lib/fit.ts', 'steps/lib/helper.ts', 'steps/lib/index.js']);
  });

  test('a step reruns when a helper module its script imports changes, and says which', async () => {
    const t = tempWorkspace();
    t.write('p.mlpipe', `pipeline p {
  step make: node {
    script "steps/make.mjs"
    outputs { out: "n.txt" }
  }
}
`);
    t.write('steps/make.mjs', "import { writeFileSync } from 'node:fs';\nimport { n } from './helper.mjs';\nwriteFileSync(process.env.MLPIPE_OUTPUT_OUT, String(n));\n");
    t.write('steps/helper.mjs', 'export const n = 1;\n');
    t.write('steps/unrelated.mjs', 'export const m = 1;\n');
    expect((await run(t, 'p.mlpipe')).ran).toEqual(['make']);
    t.write('steps/unrelated.mjs', 'export const m = 2;\n');
    expect((await run(t, 'p.mlpipe')).cached).toEqual(['make']);
    t.write('steps/helper.mjs', 'export const n = 2;\n');
    const r = await run(t, 'p.mlpipe');
    expect(r.ran).toEqual(['make']);
    expect(r.of('step_started')[0].reasons).toEqual([{ kind: 'code', file: join('steps', 'helper.mjs') }]);
  });
});
