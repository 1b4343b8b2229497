// Serves the canvas webview outside VS Code: the production bundle, under the same page and CSP as
// in VS Code (webviewPage), with a fake VS Code API that answers the ready handshake with a graph.
// Used to check the CSP in a real browser and to time first paint of large graphs.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { webviewPage } from '../../../extension/canvas/webview-page.js';
import { layoutGraph } from '../../../webviews/canvas/layout/elk-layout.js';
import type { CanvasGraph, HostToCanvas, Positions } from '../../../webviews/canvas/protocol.js';
import { BLOCK_SPECS } from '../../../language-server/schema/property-schema.js';
import { THEMES, type ThemeName } from './preview-themes.js';

export interface Preview {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

export async function startPreview(graph: CanvasGraph, options: { theme?: ThemeName; positions?: Positions } = {}): Promise<Preview> {
  const dist = join(process.cwd(), 'dist', 'webviews');
  const theme = THEMES[options.theme ?? 'dark'];
  const init: HostToCanvas = { type: 'init', fileName: 'preview.mlpipe', schemas: [...BLOCK_SPECS], positions: options.positions ?? {}, readOnly: false };
  // The host's layout comes with the first document (it is laid out before the webview asks).
  const document: HostToCanvas = { type: 'document', version: 1, graph, layout: await layoutGraph(graph) };
  const fakeHost = `
window.__posted = [];
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
document.body.className = ${JSON.stringify(theme.bodyClass)};
const replies = { ready: [${JSON.stringify(init)}, ${JSON.stringify(document)}], layout: [${JSON.stringify(document)}] };
window.acquireVsCodeApi = () => ({
  postMessage(m) { window.__posted.push(m); for (const r of replies[m.type] || []) window.postMessage(r, '*'); },
  getState() { return undefined; },
  setState() {},
});`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const origin = `http://${req.headers.host}`;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(webviewPage({
        scriptUri: `${origin}/dist/canvas.js`, styleUri: `${origin}/dist/canvas.css`, cspSource: origin,
        nonce: randomBytes(16).toString('base64'), title: 'canvas preview', preludeUris: [`${origin}/fake-host.js`],
      }).replace('</head>', `<link rel="stylesheet" href="${origin}/theme.css">\n</head>`));
    } else if (path === '/fake-host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(fakeHost);
    } else if (path === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(`html { ${Object.entries(theme.vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ')} }`);
    } else if (path.startsWith('/dist/')) {
      const file = normalize(join(dist, path.slice('/dist/'.length)));
      if (!file.startsWith(dist)) return void res.writeHead(403).end();
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
