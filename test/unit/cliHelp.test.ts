import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';
import { runCli } from '../support/runCli';

describe('the trailhound command', () => {
  it('loads the command it is asked to run alone, under its own name, and every command otherwise', async () => {
    const names = (await buildProgram()).commands.map((c) => c.name());
    expect(names).toEqual(['demo', 'db', 'ingest', 'enrich', 'serve', 'investigate', 'intel', 'export', 'case', 'compact', 'rebuild']);
    for (const name of names) expect((await buildProgram(name)).commands.map((c) => c.name())).toEqual([name]);
    for (const other of ['--help', 'help', 'ingets', undefined]) expect((await buildProgram(other)).commands).toHaveLength(names.length);
  });

  it('explains itself with --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: trailhound');
    for (const command of ['db', 'ingest']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(result.stdout).toContain('NEO4J_URI');
  });

  it('documents the ingest options and exit statuses', async () => {
    const result = await runCli(['ingest', 'cloudtrail', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--json', '--allow-rejects', '--rejects', '--batch-size', '--dry-run']) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('2 something was rejected');
    expect(result.stdout).toMatch(/3 the database cannot be\s+reached or stopped answering/);
    expect(result.stdout).toContain('4 the database refused the\ncredentials');
  });

  it('refuses a bad option value with a clear message', async () => {
    const result = await runCli(['ingest', 'cloudtrail', '.', '--dry-run', '--batch-size', 'lots']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--batch-size must be a positive integer, got "lots"');
  });

  it('parses and checks files without a database in a dry run', async () => {
    const result = await runCli(['ingest', 'cloudtrail', 'test/fixtures/cloudtrail/stratus-red-team', '--dry-run', '--json'], { ...process.env, NEO4J_URI: 'bolt://127.0.0.1:1' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, read: 310, loaded: 310, rejected: 0 });
  });
});
