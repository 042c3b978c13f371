import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const ROOT = join(import.meta.dirname, '..', '..');

/** `npm test` builds the UI first; a test file run on its own builds it when it is missing. */
export async function buildWebIfMissing(): Promise<void> {
  if (existsSync(join(ROOT, 'web', 'dist', 'index.html'))) return;
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
}
