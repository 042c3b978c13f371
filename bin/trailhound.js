#!/usr/bin/env node
// The `trailhound` command. The code is TypeScript; tsx's loader runs it directly, so
// `npm ci && npx trailhound --help` works with no build step.
//
// Ingest allocates fast, and V8 left alone keeps growing its heap to match (RSS doubling on
// long runs while the live data stays under 100 MB). A bounded old space makes it collect
// instead, so memory stays flat whatever the input size. V8 takes that limit only at start-up,
// hence this small launcher re-running the command with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HEAP_FLAG = '--max-old-space-size';
const heapMb = process.env.TRAILHOUND_HEAP_MB ?? '256';
// Serving and exporting decode a row per event, garbage a moment later. V8's young generation
// (16 MB semi-spaces) filled every few thousand rows and copied what was in flight each time;
// 32 MB halves the collector's share of an export (docs/benchmarks.md). Ingest keeps the default:
// its memory target is tighter, and a larger young generation did not make it faster.
const YOUNG_FLAG = '--max-semi-space-size';
const youngMb = ['serve', 'demo', 'export'].includes(process.argv[2] ?? '') ? ['32'] : [];

if (process.execArgv.some((arg) => arg.startsWith(HEAP_FLAG))) {
  if (process.channel) {
    // Started by the launcher below: if it dies, even by SIGKILL, the channel closes; stop too.
    process.channel.unref();
    process.on('disconnect', () => process.exit(129));
  }
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv);
} else {
  const child = spawn(process.execPath, [`${HEAP_FLAG}=${heapMb}`, ...youngMb.map((mb) => `${YOUNG_FLAG}=${mb}`), ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  // Ctrl-C reaches both processes from the terminal; anything sent to this one is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
