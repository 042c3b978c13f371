// The CLI compiled ahead of use: the TypeScript sources bundled by esbuild into plain ES modules
// under node_modules/.cache/trailhound, rebuilt whenever a source changes.
//
// Running the sources through tsx's loader works, but the loader lives in a thread of its own
// with its own JavaScript heap for the whole life of the process: 54 MB more resident memory
// than the same code compiled (173 MB against 119 MB once the CLI is loaded), and twice the
// start-up time (0.8 s against 0.4 s for `--version`). An ingest's memory target is 400 MB in
// all, so the loader's share matters; docs/benchmarks.md has the figures.
//
// The bundle keeps every path the code finds relative to its own file (package.json, web/dist,
// the country positions, the OCSF conversion thread's boot file): `import.meta.url`,
// `import.meta.dirname` and `import.meta.filename` are replaced in each source by that source's
// own location before bundling. Anything that goes wrong here (a read-only install, esbuild
// missing) returns null and the launcher runs the sources through tsx as before.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'trailhound');
const CURRENT = join(CACHE, 'current.json');
/** Entry points, by the name of their compiled file. */
const ENTRIES = { main: 'cli/main.ts', convertWorker: 'ingest/ocsf/convertWorker.ts' };
/**
 * Old builds are removed by the next build once there are more than KEEP_BUILDS of them and they
 * are older than KEEP_BUILDS_MS: a command that started on one may still load from it (the OCSF
 * conversion thread starts when its first file does).
 */
const KEEP_BUILDS = 5;
const KEEP_BUILDS_MS = 24 * 3600 * 1000;

/**
 * The folder of compiled entry points (`main.mjs`, `convertWorker.mjs`), built first if any
 * source changed since the last build; null if they cannot be built here.
 * @returns {Promise<string | null>}
 */
export async function compiledDir() {
  try {
    const current = readCurrent();
    if (current && isFresh(current)) return join(CACHE, current.dir);
    return await build();
  } catch (error) {
    if (process.env.TRAILHOUND_DEBUG_COMPILE) process.stderr.write(`trailhound: running from sources (${error instanceof Error ? error.message : String(error)})\n`);
    return null;
  }
}

function readCurrent() {
  try {
    return JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return null;
  }
}

/** The build is there, and matches this Node, this checkout and every source it was made from (size and time). */
function isFresh(current) {
  if (current.node !== process.version || current.root !== ROOT) return false;
  if (!existsSync(join(CACHE, current.dir, 'main.mjs'))) return false;
  for (const [file, [size, mtimeMs]] of Object.entries(current.inputs)) {
    let stat;
    try {
      stat = statSync(join(ROOT, file));
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

async function build() {
  const esbuild = await import('esbuild');
  const started = Date.now();
  const dir = `build-${started}-${process.pid}`;
  const outdir = join(CACHE, dir);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [ownLocation],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const stat = statSync(join(ROOT, file));
    // A source saved while the build read it may be in the build as it was before: recorded as
    // unknown, so the next command builds again.
    inputs[file] = stat.mtimeMs >= started ? [-1, -1] : [stat.size, stat.mtimeMs];
  }
  // Published by a rename, so a command starting meanwhile sees the old build or the new one.
  const next = `${CURRENT}.${process.pid}`;
  writeFileSync(next, JSON.stringify({ dir, node: process.version, root: ROOT, inputs }));
  renameSync(next, CURRENT);
  removeOldBuilds(dir);
  return outdir;
}

/** Each source's `import.meta` location, written into it as text (see the top of this file). */
const ownLocation = {
  name: 'own-location',
  setup(builder) {
    builder.onLoad({ filter: /\.(ts|tsx|mts)$/ }, (args) => {
      if (relative(ROOT, args.path).split(/[\\/]/).includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const location = { url: pathToFileURL(args.path).href, dirname: dirname(args.path), filename: args.path };
      const contents = text.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, key) => JSON.stringify(location[key]));
      return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
  },
};

function removeOldBuilds(keep) {
  const builds = readdirSync(CACHE)
    .filter((name) => name.startsWith('build-') && name !== keep)
    .sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
  for (const name of builds.slice(KEEP_BUILDS - 1)) {
    if (Date.now() - Number(name.split('-')[1]) > KEEP_BUILDS_MS) rmSync(join(CACHE, name), { recursive: true, force: true });
  }
}
