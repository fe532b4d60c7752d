import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['verbose', './test/setup/summary-reporter.ts'],
    // Integration tests share real services and measure time: one file at a time keeps them honest.
    fileParallelism: false,
  },
});
