import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { boltUri, localNeo4jOptions, startLocalNeo4j, stopLocalNeo4j } from '../../db/localNeo4j';
import { freePort } from './freePort';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string;
  }
}

/**
 * Starts a throwaway Neo4j for the integration tests and stops it afterwards. Tests never
 * touch a user's data: the database lives in a temporary directory on a free port. Set
 * TRAILHOUND_TEST_NEO4J_URI to use an existing disposable database instead (it is wiped).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.TRAILHOUND_TEST_NEO4J_URI;
  if (existing) {
    project.provide('neo4jUri', existing);
    return async () => {};
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'trailhound-test-neo4j-'));
  const options = localNeo4jOptions({ dataDir, port: await freePort(), heap: '1g', pageCache: '512m', txMax: '1g', startTimeoutMs: 180_000 }, {});
  const started = Date.now();
  await startLocalNeo4j(options);
  process.stderr.write(`[test] throwaway Neo4j on ${boltUri(options)} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  project.provide('neo4jUri', boltUri(options));
  return async () => {
    await stopLocalNeo4j(dataDir, () => {}, 30_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
