import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CompletionList, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { PreviewTrainingSetRequest, TrustChangedNotification } from '../../language-server/lsp/protocol.js';
import { ServerProcess } from './server-process.js';

/** A throw-away copy of the churn sample with its generated data. */
function churnWorkspace(): { dir: string; uri: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-data-lsp-'));
  cpSync('samples/churn', dir, { recursive: true, filter: (src) => !src.includes('/data') });
  execFileSync(process.execPath, [join(dir, 'generate-data.mjs'), '--customers', '500', '--out', join(dir, 'data')]);
  const file = join(dir, 'churn.mlpipe');
  return { dir, uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
}

const hasData = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.source === 'mlpipe-data');

describe('data features in a trusted workspace', () => {
  let server: ServerProcess;
  const ws = churnWorkspace();

  beforeAll(async () => {
    server = new ServerProcess();
    await server.initialize(pathToFileURL(ws.dir).toString(), { trusted: true });
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  test('a failed expectation is a diagnostic on its own text, with counts and examples', async () => {
    const published = server.diagnostics(ws.uri, (p) => p.diagnostics.some((d) => d.code === 'data-expectation' && String(d.message).startsWith('age between')));
    await server.open(ws.uri, ws.text, 1);
    const p = await published;
    const d = p.diagnostics.find((x) => String(x.message).startsWith('age between'))!;
    const line = ws.text.split('\n')[d.range.start.line];
    expect(line).toContain('expect age between 18 and 120 mostly 0.99');
    expect(d.message).toMatch(/^age between 18 and 120: \d+ of \d[\d,]* rows \(\d+\.\d%\) outside; e\.g\. /);
    expect(d.severity).toBe(1);
    // Language diagnostics and data findings travel together: the sample is otherwise valid.
    expect(p.diagnostics.filter((x) => x.source !== 'mlpipe-data')).toEqual([]);
  });

  test('an edit elsewhere keeps the finding on the moved expectation', async () => {
    const shifted = `// a comment line above everything\n${ws.text}`;
    const p = server.diagnostics(ws.uri, (x) => x.version === 2 && hasData(x));
    await server.change(ws.uri, shifted, 2);
    const d = (await p).diagnostics.find((x) => String(x.message).startsWith('age between'))!;
    expect(shifted.split('\n')[d.range.start.line]).toContain('expect age between 18 and 120');
  });

  test('a missing file is a diagnostic on the path; a column the data lacks gets "did you mean"', async () => {
    const broken = ws.text.replace('path "data/labels.csv"', 'path "data/labelz.csv"').replace('entity customer_id\n    timestamp event_at\n    ttl 30d', 'entity custmer_id\n    timestamp event_at\n    ttl 30d');
    const p = server.diagnostics(ws.uri, (x) => x.diagnostics.some((d) => d.code === 'data-missing-file') && x.diagnostics.some((d) => d.code === 'data-unknown-column'));
    await server.change(ws.uri, broken, 3);
    const diags = (await p).diagnostics;
    const missing = diags.find((d) => d.code === 'data-missing-file')!;
    expect(broken.split('\n')[missing.range.start.line]).toContain('data/labelz.csv');
    const column = diags.find((d) => d.code === 'data-unknown-column')!;
    expect(column.message).toContain("did you mean 'customer_id'");
    const lines = broken.split('\n');
    expect(lines[column.range.start.line].slice(column.range.start.character, column.range.end.character)).toBe('custmer_id');
  });

  test('completion offers the real columns; hover shows a profile', async () => {
    const restored = server.diagnostics(ws.uri, (x) => x.version === 4 && hasData(x) && !x.diagnostics.some((d) => d.code === 'data-missing-file'));
    await server.change(ws.uri, ws.text, 4);
    await restored;
    const lines = ws.text.split('\n');
    const line = lines.findIndex((l) => l.includes('expect amount type double'));
    const completion = await server.connection.sendRequest<CompletionList>('textDocument/completion', {
      textDocument: { uri: ws.uri }, position: { line, character: lines[line].indexOf('amount') },
    });
    expect(completion.items.map((i) => i.label)).toEqual(expect.arrayContaining(['customer_id', 'event_at', 'amount']));
    const hover = await server.connection.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri: ws.uri }, position: { line, character: lines[line].indexOf('amount') + 2 },
    });
    const text = (hover.contents as { value: string }).value;
    expect(text).toMatch(/\*\*amount\*\*: double · column of `events`/);
    expect(text).toMatch(/nulls \d+(\.\d+)?%/);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  test('the training-set preview returns point-in-time rows and leakage stats', async () => {
    const r = await server.connection.sendRequest<{ columns: { name: string }[]; rows: unknown[]; stats: Record<string, unknown> }>(PreviewTrainingSetRequest, { uri: ws.uri, name: 'train_data', limit: 5 });
    expect(r.rows.length).toBe(5);
    expect(r.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['customer_id', 'label_at', 'events_30d', 'plan']));
    expect(JSON.stringify(r.stats)).toMatch(/future|leak/i);
  });
});

describe('data features in an untrusted workspace', () => {
  test('no data query runs until the extension reports trust', async () => {
    const ws = churnWorkspace();
    const server = new ServerProcess();
    await server.initialize(pathToFileURL(ws.dir).toString(), { trusted: false });
    const first = server.diagnostics(ws.uri);
    await server.open(ws.uri, ws.text, 1);
    expect(hasData(await first)).toBe(false);
    await expect(server.connection.sendRequest(PreviewTrainingSetRequest, { uri: ws.uri, name: 'train_data' })).rejects.toThrow(/untrusted/);
    // A later publish (an edit) still carries no data findings.
    const second = server.diagnostics(ws.uri, (p) => p.version === 2);
    await server.change(ws.uri, `${ws.text}\n`, 2);
    expect(hasData(await second)).toBe(false);
    const trusted = server.diagnostics(ws.uri, hasData);
    await server.connection.sendNotification(TrustChangedNotification, { trusted: true });
    await trusted;
    expect(await server.shutdown()).toBe(0);
  });
});
