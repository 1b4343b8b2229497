import { describe, expect, test } from 'vitest';
import { Codes } from '../../../language-server/validation/codes.js';
import { parse } from './parse-helper.js';

/** A pipeline around `body`, with one valid source so that minimal snippets stay focused. */
const wrap = (body: string, extra = '') => `pipeline p {\n${body}\n}\n${extra}`;

const CASES: { code: string; text: string; message: RegExp; severity?: number; line?: number }[] = [
  { code: Codes.syntaxError, text: wrap('source s { path "a.csv" '), message: /expected|unexpected/ },
  { code: Codes.unresolvedReference, text: wrap('source events { path "e.csv" }\nfeatures f { entity id\n timestamp t\n from evnts\n feature x: int }'), message: /unknown source, feature view or step output 'evnts' — did you mean 'events'\?/ },
  { code: Codes.unknownTarget, text: wrap('step s: shell { command "true"\n target gpus }', 'target gpu: ssh { host "h" }'), message: /unknown target 'gpus' — did you mean 'gpu'\?/ },
  { code: Codes.unknownOutput, text: wrap('step a: shell { command "true"\n outputs { out: "o.csv" } }\nstep b: shell { command "true"\n inputs [a.ot] }'), message: /step 'a' has no output 'ot' — did you mean 'out'\?/ },
  { code: Codes.missingOutput, text: wrap('step a: shell { command "true"\n outputs { x: "x", y: "y" } }\nmodel m { from a }'), message: /name which output of step 'a'.*a\.x, a\.y/ },
  { code: Codes.unknownFeature, text: wrap('source l { path "l.csv" }\nsource e { path "e.csv" }\nfeatures v { entity id\n timestamp t\n from e\n feature amount: double }\ntraining_set t { labels l\n label_time at\n entity id\n features [v.amout] }'), message: /feature view 'v' has no feature 'amout' — did you mean 'amount'\?/ },
  { code: Codes.unknownColumn, text: wrap('source s { path "s.csv"\n schema { age: int }\n expect agee not_null }'), message: /declares no column 'agee' — did you mean 'age'\?/, severity: 2 },
  { code: Codes.wrongKind, text: wrap('source s { path "s.csv" }\nmodel m { from s }'), message: /'s' is a source; expected a step output/ },
  { code: Codes.duplicateName, text: wrap('source s { path "a.csv" }\nsource s { path "b.csv" }'), message: /'s' is already declared \(first declared on line 2\)/ },
  { code: Codes.duplicateProperty, text: wrap('source s { path "a.csv"\n path "b.csv" }'), message: /'path' is set twice/ },
  { code: Codes.dependencyCycle, text: wrap('step a: shell { command "true"\n inputs [b.out]\n outputs { out: "a" } }\nstep b: shell { command "true"\n inputs [a.out]\n outputs { out: "b" } }'), message: /dependency cycle: a → b → a/ },
  { code: Codes.unknownKind, text: wrap('step a: pyhton { script "a.py" }'), message: /unknown step kind 'pyhton' — did you mean 'python'\?/ },
  { code: Codes.missingProperty, text: wrap('step a: python { }'), message: /a python step needs 'script'/ },
  { code: Codes.unknownProperty, text: wrap('step a: python { script "a.py"\n scrpt "b.py" }'), message: /a python step has no property 'scrpt' — did you mean 'script'\?/ },
  { code: Codes.invalidValue, text: wrap('features f { entity id\n timestamp t\n sql "select 1"\n ttl 30\n feature x: int }'), message: /ttl: expected a duration.*add a unit/ },
  { code: Codes.invalidExpectation, text: wrap('source s { path "a.csv"\n expect age not_null mostly 1.5 }'), message: /mostly is the fraction of rows/ },
  { code: Codes.leakageRisk, text: wrap('source l { path "l.csv" }\nsource c { path "c.csv" }\nfeatures v { entity id\n from c\n feature plan: string }\ntraining_set t { labels l\n label_time at\n entity id\n features [v.plan] }'), message: /feature view 'v' has no timestamp.*leakage risk/, severity: 2 },
  { code: Codes.unusedSource, text: wrap('source s { path "a.csv" }'), message: /source 's' is not used/, severity: 2 },
  { code: Codes.unusedParam, text: wrap('param lr = 0.1'), message: /param 'lr' is not used/, severity: 2 },
  { code: Codes.multiplePipelines, text: 'pipeline a {}\npipeline b {}', message: /one pipeline per file/ },
];

describe('validation codes', () => {
  test('every code is covered by a case below', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.values(Codes).filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });

  for (const c of CASES) {
    test(`${c.code}`, async () => {
      const { diagnostics } = await parse(c.text);
      const hit = diagnostics.find((d) => d.code === c.code);
      expect(hit, `diagnostics: ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]))}`).toBeDefined();
      expect(hit!.message).toMatch(c.message);
      expect(hit!.severity).toBe(c.severity ?? 1);
    });
  }
});

describe('validation details', () => {
  test('the churn sample is valid', async () => {
    const { readFileSync } = await import('node:fs');
    const { diagnostics } = await parse(readFileSync('samples/churn/churn.mlpipe', 'utf8'));
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`)).toEqual([]);
  });

  test('a typo in one block does not hide errors further down (recovery)', async () => {
    const { diagnostics } = await parse(wrap('source a { path "a.csv" timestamp }\nsource b { path "b.csv" }\nstep s: python { script "s.py"\n inputs [a, bb] }'));
    expect(diagnostics.some((d) => d.code === Codes.syntaxError)).toBe(true);
    expect(diagnostics.some((d) => d.code === Codes.unresolvedReference && String(d.message).includes("'bb'"))).toBe(true);
  });

  test('a half-typed block header keeps the rest of the pipeline', async () => {
    const { root, diagnostics } = await parse(wrap('step foo:\nsource b { path "b.csv" }\nstep s: python { script "s.py"\n inputs [b, bb] }'));
    expect(diagnostics.some((d) => d.code === Codes.syntaxError)).toBe(true);
    const names = root.pipelines[0].members.map((m) => m.name);
    expect(names).toContain('s');
    expect(diagnostics.some((d) => d.code === Codes.unresolvedReference && String(d.message).includes("'bb'"))).toBe(true);
  });

  test('syntax errors point at the offending token with a short message', async () => {
    const { diagnostics } = await parse('pipeline p {\n  source s { path "a.csv" ] }\n}');
    const e = diagnostics.find((d) => d.code === Codes.syntaxError)!;
    expect(e.range.start.line).toBe(1);
    expect(String(e.message).length).toBeLessThan(80);
  });

  test('param types are checked against defaults and uses', async () => {
    const { diagnostics } = await parse(wrap('param n: int = "x"\nparam d = 2h\nstep s: shell { command "true"\n retries d\n resources { timeout: d } }'));
    const messages = diagnostics.map((d) => String(d.message));
    expect(messages).toContainEqual(expect.stringMatching(/declared int but its default is a string/));
    expect(messages).toContainEqual(expect.stringMatching(/retries: expected a whole number, but param 'd' is duration/));
    expect(messages.some((m) => /timeout/.test(m))).toBe(false);
  });

  test('implicit local target and sizes/durations are accepted', async () => {
    const { diagnostics } = await parse(wrap('step s: shell { command "true"\n target local\n resources { memory: 16GB, timeout: 2h, gpus: 1 } }'));
    expect(diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });

  test('a step reading itself is a cycle', async () => {
    const { diagnostics } = await parse(wrap('step a: shell { command "true"\n inputs [a.out]\n outputs { out: "x" } }'));
    expect(diagnostics.find((d) => d.code === Codes.dependencyCycle)?.message).toMatch(/'a' reads from itself/);
  });

  test('unknown resources and enum values suggest the right word', async () => {
    const { diagnostics } = await parse(wrap('source s { path "a.csv"\n format parqet }\nstep x: shell { command "true"\n inputs [s]\n resources { gpu: 1 } }'));
    const messages = diagnostics.map((d) => String(d.message));
    expect(messages).toContainEqual(expect.stringMatching(/'parqet' is not one of .* did you mean 'parquet'\?/));
    expect(messages).toContainEqual(expect.stringMatching(/unknown resource 'gpu' — did you mean 'gpus'\?/));
  });
});
