import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const GUARD = fileURLToPath(new URL('../../cli/strayRejections.ts', import.meta.url));

/** A process that meets a rejection nothing handles, then goes on with its work (a server would keep serving). */
function run(guarded: boolean): { status: number | null; stdout: string; stderr: string } {
  const script = join(dir, `stray-${guarded}.mts`);
  writeFileSync(
    script,
    `import { keepServingThroughStrayRejections } from ${JSON.stringify(GUARD)};
${guarded ? 'keepServingThroughStrayRejections();' : ''}
void Promise.reject(new Error('a query failed after its request had gone'));
setTimeout(() => process.stdout.write('still serving'), 200);
`,
  );
  const result = spawnSync(process.execPath, [RUN_TS, script], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'trailhound-stray-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a rejection no request was waiting for', () => {
  it('ends a process by default (what serve and demo did)', () => {
    const result = run(false);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('still serving');
    // Ended by the rejection itself, not by anything else going wrong.
    expect(result.stderr).toContain('a query failed after its request had gone');
  });

  it('leaves serve and demo serving, and says what it was', () => {
    const result = run(true);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('still serving');
    expect(result.stderr).toContain('the server keeps serving');
    expect(result.stderr).toContain('a query failed after its request had gone');
  });
});
