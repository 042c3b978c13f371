import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireIngestLock } from '../../store/ingestLock';
import { LOCK_FILE, MANIFEST_FILE } from '../../store/layout';
import { readManifest } from '../../store/manifest';
import { storeDirFrom } from '../../store/storeIdentity';

const lockOf = (dir: string, holder: Record<string, unknown>) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));

describe('the ingest lock', () => {
  it('waits for a holder that is alive, even one whose pid is ours (another container: its node is pid 1 too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-lock-'));
    lockOf(dir, { pid: process.pid, host: 'another-container', token: 'theirs', since: Date.now(), command: 'ingest' });
    const waited: string[] = [];
    const stop = new AbortController();
    const attempt = acquireIngestLock(dir, { command: 'test', pollMs: 20, signal: stop.signal, onWait: (h) => waited.push(h.host) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    await expect(attempt).rejects.toThrow();
    expect(waited).toEqual(['another-container']);
  });

  it("takes over the lock of a process that died here, or one nobody has touched for a minute, and releases only its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-lock-'));
    lockOf(dir, { pid: 2 ** 22 + 17, host: hostname(), token: 'dead', since: 0, command: 'ingest' });
    const release = await acquireIngestLock(dir, { command: 'test', pollMs: 20 });
    release();
    lockOf(dir, { pid: 1, host: 'elsewhere', token: 'silent', since: 0, command: 'ingest' });
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const again = await acquireIngestLock(dir, { command: 'test', pollMs: 20 });
    // Someone else's lock written after ours is not ours to remove.
    lockOf(dir, { pid: 1, host: 'elsewhere', token: 'newer', since: Date.now(), command: 'ingest' });
    again();
    expect(JSON.parse((await import('node:fs')).readFileSync(join(dir, LOCK_FILE), 'utf8')).token).toBe('newer');
  });
});

describe('a manifest', () => {
  it('names only segment files of the store itself: no path out of it, no pattern, no unknown table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-manifest-'));
    const segment = { path: 'source=cloudtrail/day=2024-08-01/part-0123456789abcdef-1.parquet', table: 'cloudtrail', day: '2024-08-01', rows: 1, minTime: 1, maxTime: 2, commit: 'x', bytes: 1 };
    const write = (segments: unknown[]) => writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ format: 'trailhound-event-store-manifest', version: 1, segments, retired: [] }));
    write([segment]);
    expect(readManifest(dir).segments).toHaveLength(1);
    for (const bad of [
      { ...segment, path: '../../etc/secret.parquet' },
      { ...segment, path: 'source=cloudtrail/**/*.parquet' },
      { ...segment, table: 'constructor', path: 'source=constructor/day=2024-08-01/part-0123456789abcdef-1.parquet' },
      { ...segment, day: '2024-08-02' },
      { ...segment, table: 'vpcflow' },
    ]) {
      write([bad]);
      expect(() => readManifest(dir), JSON.stringify(bad)).toThrow(/names a segment this store does not write/);
    }
  });

  it('lives in a folder without the characters file patterns use', () => {
    expect(() => storeDirFrom('/tmp/cases/[acme]/events')).toThrow(/character that file patterns use/);
    expect(storeDirFrom('/tmp/cases/acme/events')).toBe('/tmp/cases/acme/events');
  });
});
