import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', environment: 'node', include: ['test/unit/**/*.test.ts', 'test/remote/**/*.test.ts', 'test/lsp/**/*.test.ts', 'test/webviews/**/*.test.ts'] },
      },
      {
        // React components of the webviews: a DOM (jsdom), the host faked at the postMessage boundary.
        extends: true,
        // Lit and @vscode-elements are bundled through Vite with browser conditions: Node's resolver would
        // pick their server-rendering builds, which never set properties on the elements.
        resolve: { conditions: ['browser', 'development', 'module', 'import', 'default'] },
        test: {
          name: 'webviews',
          environment: 'jsdom',
          include: ['test/webviews/**/*.test.tsx'],
          setupFiles: ['test/webviews/setup-dom.ts'],
          server: { deps: { inline: [/@lit\//, /lit-html/, /lit-element/, /@vscode-elements\//, /[\\/]lit[\\/]/] } },
        },
      },
    ],
  },
});
