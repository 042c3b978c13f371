import { z } from 'zod';
import { parseIsoTime } from '../graph/isoTime';
import { ADDRESSABLE_KINDS, MAX_KEY_LENGTH, parseEntityRef } from '../graph/investigations/entities';
import { isPrincipalLabel } from '../graph/vocabulary';

/**
 * What a time parameter takes, as one pattern that both validates requests and is published in
 * the OpenAPI document, so that what the document calls valid is exactly what is accepted:
 * epoch milliseconds (9 to 14 digits), or an ISO 8601 date that exists (2024-02-30 does not;
 * leap days only in leap years), with an optional time and offset. ASCII digits only ([0-9], not
 * \d: other tools read \d as any Unicode digit).
 */
const DATE =
  '(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))' +
  '|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const CLOCK = '(?:[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?)?';
const ZONE = '(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?';
export const TIME_PATTERN = new RegExp(`^(?:[0-9]{9,14}|${DATE}${CLOCK}${ZONE})$`);

/** A time: ISO 8601 (UTC unless it has an offset) or epoch milliseconds. */
export const timeParam = z
  .string()
  .regex(TIME_PATTERN, { error: (issue) => `"${String(issue.input).slice(0, 60)}" is not a time (ISO 8601 such as 2024-08-01T10:00:00Z, or epoch milliseconds)` })
  .transform((text, ctx) => {
    const ms = parseIsoTime(text);
    if (ms === null) {
      // Unreachable for text the pattern takes; kept so that a gap between them is a 400, not a 500.
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a time (ISO 8601 such as 2024-08-01T10:00:00Z, or epoch milliseconds)` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('ISO 8601 (2024-08-01T10:00:00Z; UTC when it has no offset) or epoch milliseconds. A scope whose from is after its to holds nothing.');

export const booleanParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const kindParam = z.enum(ADDRESSABLE_KINDS as [string, ...string[]]).describe('an entity kind (a node label)');
export const keyParam = z.string().min(1).max(MAX_KEY_LENGTH).describe("the entity's key (URL-encoded)");
/** kind:key, the kind one of `kinds`: a pattern in the document, the same check on requests. */
export function entityRefParam(kinds: readonly string[], description: string) {
  return z
    .string()
    .max(MAX_KEY_LENGTH + 40)
    .regex(new RegExp(`^(?:${kinds.join('|')}):[\\s\\S]{1,${MAX_KEY_LENGTH}}$`), `kind:key, the kind one of ${kinds.join(', ')}`)
    .describe(description);
}
export const entityParam = entityRefParam(ADDRESSABLE_KINDS, 'kind:key, e.g. IamUser:arn:aws:iam::123456789012:user/alice');
export const limitParam = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** The timeline's filters, shared by the timeline page and its export. */
export const timelineFilterParams = {
  eventSource: z.string().max(200).optional().describe('one service, e.g. s3.amazonaws.com'),
  eventName: z.string().max(200).optional().describe('one API, e.g. GetObject'),
  errorsOnly: booleanParam.default(false).describe('only calls that failed (with an error code)'),
  readOnly: booleanParam.optional().describe('true: only read-only calls; false: only calls that change something'),
  sourceIp: z.string().max(64).optional().describe('only calls from this address'),
  userAgent: z.string().max(1024).optional().describe('only calls made with this user agent (a UserAgent key)'),
  by: entityRefParam(
    ADDRESSABLE_KINDS.filter((kind) => isPrincipalLabel(kind)),
    'a principal (IamUser:…, RoleSession:…, …), whose calls to keep',
  )
    .optional()
    .describe('only calls made by this principal (kind:key), its sessions not included; on a user, role or access key: the calls that principal made naming it (the events behind an ACCESSED edge)'),
};

export function timelineFilters(query: {
  eventSource?: string | undefined;
  eventName?: string | undefined;
  errorsOnly: boolean;
  readOnly?: boolean | undefined;
  sourceIp?: string | undefined;
  userAgent?: string | undefined;
  by?: string | undefined;
}) {
  return {
    eventSource: query.eventSource,
    eventName: query.eventName,
    errorsOnly: query.errorsOnly,
    readOnly: query.readOnly,
    sourceIp: query.sourceIp,
    userAgent: query.userAgent,
    // Events carry their principal's key, the key part of its id.
    principalKey: query.by === undefined ? undefined : parseEntityRef(query.by).key,
  };
}
