/**
 * The HTML page of a webview bundle, without vscode types (the browser tests load the same page).
 * Strict Content Security Policy: nothing by default, scripts only by nonce, styles and the codicon
 * font only from our own files (React Flow's CSS is bundled into the bundle's .css), no eval.
 */
export interface PageOptions {
  scriptUri: string;
  styleUri: string;
  /** `webview.cspSource`: the origin our files are served from. */
  cspSource: string;
  nonce: string;
  title: string;
  /** Scripts run before the bundle (browser tests put a fake VS Code API there). */
  preludeUris?: string[];
}

export function webviewPage(o: PageOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
  ].join('; ');
  const scripts = [...(o.preludeUris ?? []), o.scriptUri].map((src) => `<script nonce="${o.nonce}" src="${escapeHtml(src)}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<div id="root"></div>
${scripts}
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
