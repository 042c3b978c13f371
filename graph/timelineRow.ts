/**
 * An Event's timeline row: what a timeline shows of an event besides its id and time, stored on
 * the Event as one JSON array (`timelineRow`). Exports read this one property instead of twelve:
 * Neo4j reads a property at a time, and a streamed export of 71,424 events spent 0.6 s of
 * Neo4j's CPU reading twelve of them, against 0.05 s for one (docs/benchmarks.md). The
 * properties themselves stay, since queries filter on them; this is a copy for reading.
 * Events loaded before it existed have none, and exports read their properties as before.
 */
export interface TimelineRowFields {
  readonly eventName: string | null;
  readonly eventSource: string | null;
  readonly region: string | null;
  readonly accountId: string | null;
  readonly readOnly: boolean | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** The address the call came from (normalised). */
  readonly sourceIp: string | null;
  /** sourceIPAddress as logged when it is not an address (a service name); sourceIp holds addresses. */
  readonly sourceIPAddress: string | null;
  readonly userAgent: string | null;
  readonly accessKeyId: string | null;
  readonly principalKey: string | null;
}

/** The order of the array: changing it changes what stored rows mean, so only ever append. */
const FIELDS = ['eventName', 'eventSource', 'region', 'accountId', 'readOnly', 'errorCode', 'errorMessage', 'sourceIp', 'sourceIPAddress', 'userAgent', 'accessKeyId', 'principalKey'] as const satisfies readonly (keyof TimelineRowFields)[];

/** Error messages are shown in full up to this; the stored record keeps all of it. */
export const MAX_ROW_ERROR_MESSAGE = 4096;

export function timelineRowText(fields: TimelineRowFields): string {
  return JSON.stringify(FIELDS.map((name) => fields[name] ?? null));
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The fields back from the stored text; null when it is not a row this code wrote. */
export function parseTimelineRow(stored: string): TimelineRowFields | null {
  let values: unknown;
  try {
    values = JSON.parse(stored);
  } catch {
    return null;
  }
  if (!Array.isArray(values) || values.length < FIELDS.length) return null;
  return {
    eventName: text(values[0]),
    eventSource: text(values[1]),
    region: text(values[2]),
    accountId: text(values[3]),
    readOnly: typeof values[4] === 'boolean' ? values[4] : null,
    errorCode: text(values[5]),
    errorMessage: text(values[6]),
    sourceIp: text(values[7]),
    sourceIPAddress: text(values[8]),
    userAgent: text(values[9]),
    accessKeyId: text(values[10]),
    principalKey: text(values[11]),
  };
}
