import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // ORT sessions use both cores; running files in parallel only thrashes the 2-core machine.
    fileParallelism: false,
    // Each run gets a private temporary folder and each test file one inside it as TMPDIR; a file that
    // leaves anything there fails (test/helpers/temp-global-setup.ts, temp-per-file.ts).
    globalSetup: ['test/helpers/temp-global-setup.ts'],
    setupFiles: ['test/helpers/temp-per-file.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
