import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous: a busy 2-core machine runs the CDK synth and the sample-loaded flows several times slower; no test
    // asserts a duration.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: DuckDB and the pipeline are CPU-bound, so two workers are all that help.
    maxWorkers: 2,
  },
});
