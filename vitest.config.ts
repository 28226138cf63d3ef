import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds dist/embedder-worker.mjs and the generated test models before any test forks them.
    globalSetup: ['test/setup/build-worker.ts'],
  },
});
