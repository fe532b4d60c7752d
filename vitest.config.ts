import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` is the fast loop: pure tests, no services, no globalSetup
 * (`npm run test:unit`, or any `vitest run test/unit/...`). `integration` runs against the real
 * services that test/setup/services.ts starts once (scripts/test-services.sh, slow the first time:
 * apt-get). Vitest starts a project's globalSetup only when one of its files is selected, and the
 * root config has none, so a run filtered to unit files never starts services. `npm test` runs
 * both, unit first (groupOrder), so integration timings do not share the CPU with the unit burst.
 */
export default defineConfig({
  test: {
    reporters: ['verbose', './test/setup/summary-reporter.ts'],
    // Unit files run in worker threads that are reused with their module graph (worker reuse is
    // a root-level pool setting): measured 15-19 s → 12-16 s on 2 busy cores. Contract: unit
    // tests mock no modules (vi.mock), stub no globals, change no process state (cwd, env,
    // signal handlers) and leave nothing running; a test that must belongs in integration.
    pool: 'threads',
    // Two threads: CI and these machines have 2 cores, and vitest's default (cores − 1) would run
    // the unit files one after another.
    poolOptions: { threads: { isolate: false, maxThreads: 2, minThreads: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Integration tests share real services and measure time: one file at a time keeps them
          // honest. (fileParallelism is root-only and would serialise unit files too.) One fork
          // runs this project's files one after another, each with a fresh module graph.
          // Child processes, not threads, as before: these tests spawn, signal and time processes.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true, isolate: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
