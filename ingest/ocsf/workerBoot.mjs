// Starts a TypeScript worker. Under the compiled CLI (bin/compiled.js) the worker's entry is
// compiled next to it; otherwise the sources run through tsx, since worker threads do not
// inherit the main thread's loader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const compiledDir = process.env.TRAILHOUND_COMPILED_DIR;
const compiled = compiledDir ? join(compiledDir, new URL(workerData.entry).pathname.split('/').pop().replace(/\.ts$/, '.mjs')) : null;
if (compiled && existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(workerData.entry);
}
