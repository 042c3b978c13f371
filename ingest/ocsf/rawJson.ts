/**
 * JSON text carried into a rebuilt CloudTrail event without being parsed: Security Lake's
 * request and response data, which DuckDB found to be one JSON object each. Parsing them and
 * serialising them again was most of what converting a large record cost; the reader parses
 * the event once, as it does a raw one.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * The event as JSON, with its request and response data (the parts that may be RawJson) as
 * their text. They go last: a CloudTrail reader reads the event by name, never by order.
 */
export function eventText(event: Record<string, unknown>): string {
  const { requestParameters, responseElements, ...rest } = event;
  let json = JSON.stringify(rest);
  for (const [name, value] of [
    ['requestParameters', requestParameters],
    ['responseElements', responseElements],
  ] as const) {
    if (value === undefined) continue;
    const text = value instanceof RawJson ? value.text : JSON.stringify(value);
    json = `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"${name}":${text}}`;
  }
  return json;
}

/**
 * Whether JSON text DuckDB found valid may not be what JSON.parse reads the same way: DuckDB
 * also takes NaN, Infinity and trailing commas, and a number too large for a double becomes
 * Infinity, which a stored event holds as null. A string that only looks like one of these
 * costs a parse, never a difference. Cheap screens first: most text has none of them.
 */
export function mayBeLenient(text: string): boolean {
  return (
    (/nan|inf/i.test(text) && /[:[,]\s*[-+]?(?:nan|inf)/i.test(text)) ||
    /,\s*[\]}]/.test(text) ||
    (/[eE]\+?\d{3}/.test(text) && /[:[,]\s*-?\d+(?:\.\d+)?[eE]\+?\d{3}/.test(text)) ||
    /[:[,]\s*-?\d{309}/.test(text)
  );
}
