import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mlpipe } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mlpipe-cli-'));

describe('mlpipe validate', () => {
  test('exit 0 and no output for a valid file', () => {
    const r = mlpipe(['validate', 'samples/churn/churn.mlpipe']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  test('exit 1 with file:line:col: severity code: message on stderr', () => {
    const dir = tmp();
    const f = join(dir, 'bad.mlpipe');
    writeFileSync(f, 'pipeline p {\n  step s: python {\n    script "s.py"\n    inputs [evnts]\n  }\n}\n');
    const r = mlpipe(['validate', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:4:13: error unresolved-reference: unknown`);
  });

  test('--json prints the documented shape with 0-based ranges', () => {
    const dir = tmp();
    const good = join(dir, 'good.mlpipe');
    const bad = join(dir, 'bad.mlpipe');
    writeFileSync(good, 'pipeline p {\n  step s: shell { command "true" }\n}\n');
    writeFileSync(bad, 'pipeline p {\n  param unused = 1\n  step s: shell { }\n}\n');
    const r = mlpipe(['validate', good, bad, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files).toHaveLength(2);
    expect(out.files[0]).toEqual({ file: good, diagnostics: [] });
    const diags = out.files[1].diagnostics;
    expect(diags).toContainEqual({ severity: 'warning', code: 'unused-param', message: "param 'unused' is not used", range: { start: { line: 1, character: 8 }, end: { line: 1, character: 14 } } });
    expect(diags.some((d: { code: string; severity: string }) => d.code === 'missing-property' && d.severity === 'error')).toBe(true);
  });

  test('warnings alone exit 0', () => {
    const dir = tmp();
    const f = join(dir, 'warn.mlpipe');
    writeFileSync(f, 'pipeline p {\n  param unused = 1\n}\n');
    expect(mlpipe(['validate', f]).code).toBe(0);
  });

  test('exit 2 for a missing file, a bad flag, or no command', () => {
    const missing = mlpipe(['validate', 'nope.mlpipe']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.mlpipe: cannot read: no such file');
    expect(mlpipe(['validate', '--bogus', 'x']).code).toBe(2);
    expect(mlpipe([]).code).toBe(2);
    expect(mlpipe(['frobnicate']).stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('mlpipe fmt', () => {
  test('prints canonical text; --check fails until --write fixes it', () => {
    const dir = tmp();
    const f = join(dir, 'x.mlpipe');
    writeFileSync(f, 'pipeline p{step s:shell{command "true"}}');
    const printed = mlpipe(['fmt', f]);
    expect(printed.stdout).toBe('pipeline p {\n  step s: shell {\n    command "true"\n  }\n}\n');
    expect(mlpipe(['fmt', '--check', f]).code).toBe(1);
    expect(mlpipe(['fmt', '--write', f]).code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(printed.stdout);
    expect(mlpipe(['fmt', '--check', f]).code).toBe(0);
  });

  test('refuses to format a file with syntax errors and leaves it unchanged', () => {
    const dir = tmp();
    const f = join(dir, 'x.mlpipe');
    const text = 'pipeline p { step s: shell { command ] } }';
    writeFileSync(f, text);
    const r = mlpipe(['fmt', '--write', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('syntax-error');
    expect(readFileSync(f, 'utf8')).toBe(text);
  });
});

describe('mlpipe graph', () => {
  test('--json prints the plain model with nodes and edges', () => {
    const r = mlpipe(['graph', 'samples/churn/churn.mlpipe', '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.name).toBe('churn');
    expect(m.nodes.find((n: { id: string }) => n.id === 'train')).toMatchObject({ kind: 'step', name: 'train', stepKind: 'node' });
    expect(m.edges).toContainEqual({ from: 'events', to: 'activity', role: 'from' });
  });
});
