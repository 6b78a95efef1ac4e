import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Safety nets, not assertions: several suites start real processes (the CLI, the service, wrangler).
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
