import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, test } from 'vitest';
import { parse, services } from './parse-helper.js';

async function format(text: string): Promise<string> {
  const { doc } = await parse(text);
  const edits = await services.MLPipe.lsp.Formatter!.formatDocument(doc, { textDocument: { uri: doc.uri.toString() }, options: { tabSize: 2, insertSpaces: true } });
  return TextDocument.applyEdits(TextDocument.create('x', 'mlpipe', 0, text), edits);
}

const MESSY = `   // leading comment
pipeline   x   "d"{ param a=1
param b : int=2   # trailing
source s {path "a.csv"
   timestamp t expect c  not_null   mostly 0.9
  expect mean( c ) between 1 and 2
     expect unique(a,b)
}



step p : python { script "a.py" inputs [ s ,s]
outputs {a:"x.parquet",b:"y"} params {
 x: a, y: 2
   }
}
}
target t: local {}
target u : ssh { host "h" }`;

const EXPECTED = `// leading comment
pipeline x "d" {
  param a = 1
  param b: int = 2 # trailing
  source s {
    path "a.csv"
    timestamp t
    expect c not_null mostly 0.9
    expect mean(c) between 1 and 2
    expect unique(a, b)
  }

  step p: python {
    script "a.py"
    inputs [s, s]
    outputs { a: "x.parquet", b: "y" }
    params {
      x: a,
      y: 2
    }
  }
}

target t: local {}

target u: ssh {
  host "h"
}
`;

describe('formatter', () => {
  test('produces the canonical layout and keeps every comment', async () => {
    expect(await format(MESSY)).toBe(EXPECTED);
  });

  test('is idempotent', async () => {
    const once = await format(MESSY);
    expect(await format(once)).toBe(once);
  });

  test('leaves files with syntax errors untouched', async () => {
    const broken = 'pipeline   p {\n source s { path ] }\n}';
    expect(await format(broken)).toBe(broken);
  });

  test('keeps text blocks byte for byte', async () => {
    const text = 'pipeline p {\n  step s: sql {\n    sql """\n      select *\n        from t   -- keep\n    """\n  }\n}\n';
    expect(await format(text)).toBe(text);
  });

  test('every sample is already formatted', async () => {
    for (const dir of readdirSync('samples')) {
      for (const f of readdirSync(join('samples', dir)).filter((n) => n.endsWith('.mlpipe'))) {
        const text = readFileSync(join('samples', dir, f), 'utf8');
        expect(await format(text), f).toBe(text);
      }
    }
  });
});
