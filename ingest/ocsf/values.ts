import { obj } from '../common/text';

/**
 * Reading OCSF records as Security Lake stores them: in Parquet, `unmapped` is a map of strings
 * and `api.request.data` / `api.response.data` are JSON text; in JSON Lines they are objects.
 * These helpers take either.
 */
export type Json = Record<string, unknown>;

/** Paths split once: every record reads the same few dozen paths. */
const PATHS = new Map<string, readonly string[]>();

/** The value at a dotted path ("actor.user.uid"), or undefined. */
export function at(record: unknown, path: string): unknown {
  let parts = PATHS.get(path);
  if (!parts) {
    parts = path.split('.');
    // Paths come from the code, but bound the cache all the same.
    if (PATHS.size < 1000) PATHS.set(path, parts);
  }
  let value: unknown = record;
  for (const part of parts) {
    const o = obj(value);
    if (!o) return undefined;
    value = o[part];
  }
  return value;
}

/** A non-empty string at a path (numbers are read as their text: account ids may come as numbers). */
export function text(record: unknown, path: string): string | undefined {
  const value = at(record, path);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An object at a path, or JSON text holding one (Parquet keeps request and response data as text). */
export function objectAt(record: unknown, path: string): Json | undefined {
  return asObject(at(record, path));
}

export function asObject(value: unknown): Json | undefined {
  if (typeof value === 'string') {
    const parsed = parseJsonText(value);
    return obj(parsed);
  }
  return obj(value);
}

/** An array at a path (or JSON text holding one). */
export function listAt(record: unknown, path: string): Json[] {
  let value = at(record, path);
  if (typeof value === 'string') value = parseJsonText(value);
  return Array.isArray(value) ? value.map(asObject).filter((v): v is Json => v !== undefined) : [];
}

/** JSON text parsed, or the text itself when it is not JSON. */
export function parseJsonText(value: string): unknown {
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The latest instant a Date holds (ECMAScript's limit): a "time" past it is not a time. */
const MAX_TIME = 8.64e15;

/** An OCSF timestamp (epoch ms, or its _dt twin as text) as epoch ms; undefined when it is not a time a Date can hold. */
export function timeAt(record: unknown, path: string): number | undefined {
  const value = at(record, path);
  const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(number) && Math.abs(number) <= MAX_TIME) return number;
  const dt = at(record, `${path}_dt`) ?? value;
  const parsed = typeof dt === 'string' ? Date.parse(dt) : NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * `unmapped` as an object: nested as Trailhound writes it, or flat with dotted keys and text
 * values as Security Lake's Parquet map holds it ("additionalEventData.MFAUsed": "No").
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function unmappedOf(record: unknown): Json {
  const unmapped = asObject(at(record, 'unmapped')) ?? {};
  const out: Json = {};
  for (const [key, raw] of Object.entries(unmapped)) {
    const value = typeof raw === 'string' ? parseJsonText(raw) : raw;
    const parts = key.split('.');
    // Keys are log text: none may reach an object's prototype.
    if (parts.some((part) => UNSAFE_KEYS.has(part))) continue;
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = obj(target[part]) ?? {};
      target[part] = next;
      target = next;
    }
    const last = parts.at(-1)!;
    if (!(last in target)) target[last] = value;
  }
  return out;
}
