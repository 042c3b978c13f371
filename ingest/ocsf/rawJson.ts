import { randomBytes } from 'node:crypto';

/**
 * JSON text carried into a rebuilt CloudTrail event without being parsed: Security Lake's
 * request and response data, which DuckDB found to be one JSON object each. Parsing them and
 * serialising them again was most of what converting a record cost; the reader parses the
 * event once, as it does a raw one.
 */
export class RawJson {
  /** Stands in for the text while the event is serialised; a per-process secret, so no log text can spell it. */
  readonly token: string;

  constructor(readonly text: string) {
    this.token = `\u0000${NONCE}:${(counter = (counter + 1) % Number.MAX_SAFE_INTEGER)}`;
  }

  toJSON(): string {
    return this.token;
  }
}

const NONCE = randomBytes(12).toString('hex');
let counter = 0;

/** JSON.stringify, with each RawJson's text in its place, as it is. */
export function stringifyWithRaw(value: unknown, raws: readonly RawJson[]): string {
  let json = JSON.stringify(value);
  for (const raw of raws) {
    const at = json.indexOf(JSON.stringify(raw.token));
    if (at >= 0) json = json.slice(0, at) + raw.text + json.slice(at + JSON.stringify(raw.token).length);
  }
  return json;
}
