import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST, writeScenario, type ScenarioManifest, type ScenarioOptions } from './scenario';

/**
 * The demo's fixed end of time. A fixed date keeps the scenario byte-for-byte the same for a
 * seed, so a rerun reuses the files and the idempotent ingest finds nothing new.
 */
export const DEMO_END = Date.parse('2026-11-20T16:00:00Z');

export const DEMO_DEFAULTS = { seed: 42, events: 15_000, flowLines: 60_000, days: 28 } as const;

/**
 * Reuses the scenario in `dir` when it was generated with the same options (its manifest is
 * written last, so an interrupted generation is never mistaken for a finished one); otherwise
 * writes it afresh.
 */
export async function prepareScenario(
  options: ScenarioOptions,
  progress: (message: string) => void = () => {},
): Promise<{ manifest: ScenarioManifest; reused: boolean }> {
  const existing = readManifest(options.dir);
  if (existing && sameOptions(existing.options, options)) return { manifest: existing, reused: true };
  await rm(options.dir, { recursive: true, force: true });
  return { manifest: await writeScenario(options, progress), reused: false };
}

export function readManifest(dir: string): ScenarioManifest | null {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ScenarioManifest;
  } catch {
    return null;
  }
}

function sameOptions(a: ScenarioManifest['options'], b: ScenarioOptions): boolean {
  return a.seed === b.seed && a.events === b.events && a.flowLines === b.flowLines && a.days === b.days && a.end === b.end;
}
