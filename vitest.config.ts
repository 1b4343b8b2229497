import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/lsp/**/*.test.ts', 'test/webviews/**/*.test.tsx'],
    testTimeout: 20_000,
  },
});
