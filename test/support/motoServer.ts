import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './freePort';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * moto's S3-compatible server (from PyPI; .ci/run installs it into .venv-test), on loopback:
 * a real S3 API for the real S3 client. TRAILHOUND_MOTO_SERVER names another moto_server.
 */
export async function startMotoServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const candidates = [process.env.TRAILHOUND_MOTO_SERVER, join(ROOT, '.venv-test', 'bin', 'moto_server'), join(ROOT, '.venv-moto', 'bin', 'moto_server')].filter((p): p is string => Boolean(p));
  const bin = candidates.find((p) => existsSync(p));
  if (!bin) {
    throw new Error(`moto_server not found (looked at ${candidates.join(', ')}). Install it: python3 -m venv .venv-test && .venv-test/bin/pip install "moto[server]==5.2.5" "pyarrow==18.1.0"`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => (log = `${log}${d}`.slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/moto-api/`)).status < 500) break;
    } catch {
      if (child.exitCode !== null) throw new Error(`moto_server exited: ${log}`);
    }
    await sleep(200);
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}
