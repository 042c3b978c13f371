import { defineConfig } from 'vitest/config';

/**
 * `unit`: pure logic, no database. `integration`: the real CLI, ingest and Neo4j. The
 * integration project starts its own throwaway Neo4j (temporary data dir, free port) unless
 * TRAILHOUND_TEST_NEO4J_URI names a disposable database; files run one at a time because they
 * share that database.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/neo4jGlobalSetup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // Browser and CLI checks poll until the page or the graph shows the outcome: give a
          // loaded CI machine time, the default second is not enough.
          expect: { poll: { timeout: 20_000, interval: 100 } },
        },
      },
    ],
  },
});
