#!/usr/bin/env node
// The `trailhound` command. The code is TypeScript, compiled on first use and whenever a source
// changes (bin/compiled.js), so `npm ci && npx trailhound --help` works with no build step.
//
// Ingest allocates fast, and V8 left alone keeps growing its heap to match (RSS doubling on
// long runs while the live data stays under 100 MB). A bounded old space makes it collect
// instead, so memory stays flat whatever the input size. V8 takes that limit only at start-up,
// hence this small launcher re-running the command with it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
    // Started by the launcher below: if it dies, even by SIGKILL, the channel closes; stop too,
    // as if the terminal had closed: a command that handles SIGHUP (demo, serve) stops in order,
    // stopping the database it started; any other ends as SIGHUP's default action ends it.
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGHUP'));
  }
  // The compiled CLI (bin/compiled.js) when it can be built here, else the sources through tsx.
  // TRAILHOUND_FROM_SOURCE=1 asks for the sources (a debugger, a stack trace in TypeScript).
  const { compiledDir } = await import('./compiled.js');
  const compiled = process.env.TRAILHOUND_FROM_SOURCE ? null : await compiledDir();
  let main;
  if (compiled) {
    // Worker threads (ingest/ocsf/workerBoot.mjs) start their compiled entry from here too.
    process.env.TRAILHOUND_COMPILED_DIR = compiled;
    ({ main } = await import(pathToFileURL(join(compiled, 'main.mjs')).href));
  } else {
    delete process.env.TRAILHOUND_COMPILED_DIR;
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../cli/main.ts'));
  }
  process.exitCode = await main(process.argv);
} else {
  const child = spawn(process.execPath, [`${HEAP_FLAG}=${heapMb}`, ...youngMb.map((mb) => `${YOUNG_FLAG}=${mb}`), ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  // A signal sent to this process alone (`kill <pid>`, a supervisor that signals its main pid) is
  // passed on to the command. One sent to the whole process group (Ctrl-C, `docker stop`, systemd,
  // a closed terminal) reaches the command by itself, and passing it on too would count twice:
  // the command's third signal forces an immediate stop. So the command reports each signal it
  // receives, and a signal is passed on only when no report of it arrives within FORWARD_AFTER_MS.
  const FORWARD_AFTER_MS = 500;
  const pending = new Map(); // signal -> timers of forwards not yet made, oldest first
  const reported = new Map(); // signal -> times of reports not matched by a signal of ours yet
  child.on('message', (message) => {
    const signal = message && typeof message === 'object' ? message.trailhoundSignal : undefined;
    if (typeof signal !== 'string') return;
    const timers = pending.get(signal) ?? [];
    if (timers.length > 0) return clearTimeout(timers.shift());
    reported.set(signal, [...(reported.get(signal) ?? []), Date.now()]);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      const fresh = (reported.get(signal) ?? []).filter((at) => Date.now() - at < 2_000);
      if (fresh.length > 0) return void reported.set(signal, fresh.slice(1));
      if (!pending.has(signal)) pending.set(signal, []);
      const timers = pending.get(signal);
      const timer = setTimeout(() => {
        timers.splice(timers.indexOf(timer), 1);
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      }, FORWARD_AFTER_MS);
      timers.push(timer);
    });
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
