import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_NEO4J_SETTINGS } from '../../db/localNeo4j';

const ROOT = join(import.meta.dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const neo4j = compose.services.neo4j!;
const trailhound = compose.services.trailhound!;

/** NEO4J_server_memory_pagecache_size -> server.memory.pagecache.size (the image's convention). */
function settingName(envName: string): string {
  return envName.replace(/^NEO4J_/, '').replace(/__/g, '\u0000').replace(/_/g, '.').replace(/\u0000/g, '_');
}

describe('docker-compose.yml', () => {
  it('runs the same Neo4j line as the local launcher (5.26, community)', () => {
    const pom = readFileSync(join(ROOT, 'db', 'pom.xml'), 'utf8');
    const version = /<neo4j.version>(5\.26)\.\d+<\/neo4j.version>/.exec(pom)?.[1];
    expect(version).toBe('5.26');
    expect(neo4j.image).toBe(`neo4j:${version}-community`);
  });

  it('points trailhound at the neo4j service with the password Neo4j was given', () => {
    expect(trailhound.environment?.NEO4J_URI).toBe('bolt://neo4j:7687');
    expect(neo4j.environment?.NEO4J_AUTH).toBe(`neo4j/${trailhound.environment?.NEO4J_PASSWORD}`);
    expect(trailhound.depends_on?.neo4j?.condition).toBe('service_healthy');
  });

  it("keeps trailhound's event store on a volume, where the graph's aggregates expect it", () => {
    const dir = trailhound.environment?.TRAILHOUND_EVENTS_DIR;
    expect(dir).toBe('/data/events');
    expect(trailhound.volumes).toContain(`events-data:${dir}`);
  });

  it('publishes ports on loopback only', () => {
    for (const port of neo4j.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('sizes memory like the local launcher, and applies its settings', () => {
    const settings = Object.fromEntries(
      Object.entries(neo4j.environment ?? {})
        .filter(([k]) => k !== 'NEO4J_AUTH')
        .map(([k, v]) => [settingName(k), v]),
    );
    expect(settings).toMatchObject({ 'server.memory.heap.initial_size': '3g', 'server.memory.heap.max_size': '3g', 'server.memory.pagecache.size': '4g' });
    expect(settings).toMatchObject(DEFAULT_NEO4J_SETTINGS);
  });

  it('builds trailhound from a Dockerfile whose entry point is the CLI', () => {
    expect(trailhound.build).toBe('.');
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/trailhound.js"]');
    for (const [, path] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) {
      for (const part of path!.split(' ')) if (!part.startsWith('package')) expect(existsSync(join(ROOT, part))).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('copies every source directory the command imports, and the built UI', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:\S+ )*?(\S+) \.\/(\S*)$/gm)].map((m) => m[2]!.replace(/\/$/, ''));
    for (const dir of ['bin', 'cli', 'demo', 'export', 'graph', 'ingest', 'server', 'store', 'db']) expect(copied).toContain(dir);
    expect(dockerfile).toMatch(/COPY --from=web \/app\/web\/dist \.\/web\/dist/);
  });
});
