import type { z } from 'zod';

/** GETs a path from a running server and parses the JSON body with the documented schema. */
export async function getJson<S extends z.ZodType>(base: string, path: string, schema: S, headers: Record<string, string> = {}): Promise<z.output<S>> {
  const response = await fetch(`${base}${path}`, { headers });
  const body = (await response.json()) as unknown;
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`GET ${path}: response does not match its documented schema: ${parsed.error.message}`);
  return parsed.data;
}

export async function getStatus(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}
