import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDiskFull, reportError } from '../../cli/errors';
import { ExportOutput } from '../../cli/exportOutput';
import { TrailhoundError } from '../../graph/errors';
import { TextFileWriter } from '../../ingest/common/textFileWriter';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('a full disk', () => {
  it("is recognised by Node's codes, by DuckDB's and Neo4j's text, and through causes; nothing else is", () => {
    expect(isDiskFull(enospc())).toBe(true);
    expect(isDiskFull(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' }))).toBe(true);
    expect(isDiskFull(new Error('IO Error: Could not write file "/s/part-1.parquet.tmp": No space left on device'))).toBe(true);
    expect(isDiskFull(new Error('wrapped', { cause: new Error('wrapped again', { cause: enospc() }) }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' }))).toBe(false);
    expect(isDiskFull(new Error('Could not set lock on file'))).toBe(false);
    expect(isDiskFull(undefined)).toBe(false);
  });

  it('is reported as what it is, with what to do, not as a bug to report', () => {
    let text = '';
    const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
    expect(reportError(new Error('IO Error: Could not write file "/s/x.parquet": No space left on device'), stream)).toBe(1);
    expect(text).toMatch(/^trailhound: out of disk space: IO Error/);
    expect(text).toContain('run the same command again');
    expect(text).not.toMatch(/unexpected|report it/);
  });

  it('fails the writes of a text file (rejects, exports, rebuild spools) by throwing, never by an uncaught error event', async () => {
    // Every write to /dev/full fails with ENOSPC after write() has returned.
    const full = new TextFileWriter('/dev/full');
    await full.write('a line\n');
    await expect(full.close()).rejects.toMatchObject({ code: 'ENOSPC' });
    // Failed while the writer waits for nothing: the next write says so.
    const again = new TextFileWriter('/dev/full');
    await again.write('x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(again.write('y')).rejects.toMatchObject({ code: 'ENOSPC' });
    await again.abandon();
  });

  it('removes the part of an export written to a file, and names the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailhound-export-')), 'timeline.csv');
    const output = new ExportOutput(path);
    await output.write('time,event\n');
    const error = await output.failed(enospc());
    expect(error).toBeInstanceOf(TrailhoundError);
    expect((error as TrailhoundError).message).toBe(`Out of disk space writing ${path} (ENOSPC: no space left on device, write): the incomplete file was removed.`);
    expect(existsSync(path)).toBe(false);
    // Any other failure is passed on as it is, and the file left alone.
    const other = new ExportOutput(`${path}.2`);
    await other.write('x');
    const refused = new Error('the graph stopped answering');
    expect(await other.failed(refused)).toBe(refused);
    await other.close();
    expect(statSync(`${path}.2`).size).toBe(1);
  });
});
