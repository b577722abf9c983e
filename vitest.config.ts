import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: DuckDB and the pipeline are CPU-bound, so two workers are all that help.
    maxWorkers: 2,
  },
});
