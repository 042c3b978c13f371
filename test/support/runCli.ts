import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { watchTreeRss } from './treeRss';

const BIN = fileURLToPath(new URL('../../bin/trailhound.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the command and the processes it started, in MB (benchmarks). */
  readonly peakTreeRssMb: number;
}

/** Runs the real `trailhound` command, as a user would. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const memory = watchTreeRss(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, peakTreeRssMb: memory.stop() }));
  });
}
