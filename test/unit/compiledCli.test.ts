import { execFile } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = `${ROOT}bin/trailhound.js`;
const CURRENT = `${ROOT}node_modules/.cache/trailhound/current.json`;
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

interface Current {
  readonly dir: string;
  readonly inputs: Record<string, [number, number]>;
}
const current = (): Current => JSON.parse(readFileSync(CURRENT, 'utf8')) as Current;
const version = async (env: NodeJS.ProcessEnv = {}) => (await run(process.execPath, [BIN, '--version'], { env: { ...process.env, ...env } })).stdout.trim();

describe('the compiled CLI (bin/compiled.js)', () => {
  it('is built from every source the CLI loads, reused while they are unchanged, and rebuilt when one changes', async () => {
    // Its own location, package.json beside the sources, is found from the compiled file too.
    expect(await version()).toBe(VERSION);
    const built = current();
    for (const source of ['cli/main.ts', 'cli/version.ts', 'ingest/pipeline/runIngest.ts', 'ingest/ocsf/convertWorker.ts', 'store/storeWriter.ts']) {
      expect(built.inputs).toHaveProperty([source]);
    }
    expect(await version()).toBe(VERSION);
    expect(current().dir).toBe(built.dir);

    // A source edited since (here its time only, restored after): the next command rebuilds.
    const source = `${ROOT}cli/version.ts`;
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 2000));
      expect(await version()).toBe(VERSION);
      expect(current().dir).not.toBe(built.dir);
    } finally {
      utimesSync(source, atime, mtime);
    }
  });

  it('does not trust a source saved while it was being built (a time past the build\'s start)', async () => {
    const source = `${ROOT}cli/version.ts`;
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(Date.now() + 60_000));
      expect(await version()).toBe(VERSION);
      const first = current();
      expect(first.inputs['cli/version.ts']).toEqual([-1, -1]);
      expect(await version()).toBe(VERSION);
      expect(current().dir).not.toBe(first.dir);
    } finally {
      utimesSync(source, atime, mtime);
    }
  });

  it('builds again when the build it names is gone', async () => {
    expect(await version()).toBe(VERSION);
    // Pointed at a folder that is not there (a build is never deleted here: other tests' commands
    // may be running from it).
    writeFileSync(CURRENT, JSON.stringify({ ...current(), dir: 'build-0-gone' }));
    expect(await version()).toBe(VERSION);
    expect(current().dir).not.toBe('build-0-gone');
  });

  it('runs from the sources through tsx when asked to', async () => {
    expect(await version({ TRAILHOUND_FROM_SOURCE: '1' })).toBe(VERSION);
  });
});
