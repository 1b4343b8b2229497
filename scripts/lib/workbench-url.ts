/** URLs that open code-server's workbench on a folder, optionally with an extension loaded from source. */
export interface WorkbenchUrlOptions {
  folder: string;
  /** Absolute path of an extension to load from source (like F5 in VS Code). */
  extensionDevelopmentPath?: string;
  /** Absolute path of a module whose `run()` the extension host executes (needs the smoke-test driver). */
  extensionTestsPath?: string;
}

/** In code-server the extension host sees the server's file system under the authority `remote`. */
const remote = (path: string): string => `vscode-remote://remote${path}`;

export function workbenchUrl(base: string, options: WorkbenchUrlOptions): string {
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  const query = new URLSearchParams({ folder: options.folder });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${base}/?${query.toString()}`;
}
