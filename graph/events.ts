/**
 * An Event node stores requestParameters and responseElements apart from the rest of the
 * record (raw), so nothing is stored twice. This puts the full CloudTrail record back together
 * for drill-down and exports, in CloudTrail's own field order where it matters to readers.
 */
export function fullEventRecord(stored: {
  raw?: string | null;
  requestParameters?: string | null;
  responseElements?: string | null;
}): Record<string, unknown> {
  const rest = storedRecord(stored.raw);
  const { eventID, eventTime, eventSource, eventName, ...others } = rest;
  return {
    ...(eventID !== undefined ? { eventID } : {}),
    ...(eventTime !== undefined ? { eventTime } : {}),
    ...(eventSource !== undefined ? { eventSource } : {}),
    ...(eventName !== undefined ? { eventName } : {}),
    ...others,
    requestParameters: stored.requestParameters ? JSON.parse(stored.requestParameters) : null,
    responseElements: stored.responseElements ? JSON.parse(stored.responseElements) : null,
  };
}

/**
 * The stored record as it is (no request or response, no reordering): what timelines and
 * exports read their extra fields from, at tens of thousands of events a second.
 */
export function storedRecord(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
