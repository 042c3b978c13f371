import { z } from 'zod';
import { parseIsoTime } from '../graph/isoTime';
import { ADDRESSABLE_KINDS, MAX_KEY_LENGTH, parseEntityRef } from '../graph/investigations/entities';
import { isPrincipalLabel } from '../graph/vocabulary';

/** A time: ISO 8601 (UTC unless it has an offset) or epoch milliseconds. */
export const timeParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseIsoTime(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a time (ISO 8601 such as 2024-08-01T10:00:00Z, or epoch milliseconds)` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('ISO 8601 (2024-08-01T10:00:00Z; UTC when it has no offset) or epoch milliseconds');

export const booleanParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const kindParam = z.enum(ADDRESSABLE_KINDS as [string, ...string[]]).describe('an entity kind (a node label)');
export const keyParam = z.string().min(1).max(MAX_KEY_LENGTH).describe("the entity's key (URL-encoded)");
export const entityParam = z.string().min(3).max(MAX_KEY_LENGTH + 40).describe('kind:key, e.g. IamUser:arn:aws:iam::123456789012:user/alice');
export const limitParam = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** The timeline's filters, shared by the timeline page and its export. */
export const timelineFilterParams = {
  eventSource: z.string().max(200).optional().describe('one service, e.g. s3.amazonaws.com'),
  eventName: z.string().max(200).optional().describe('one API, e.g. GetObject'),
  errorsOnly: booleanParam.default(false).describe('only calls that failed (with an error code)'),
  readOnly: booleanParam.optional().describe('true: only read-only calls; false: only calls that change something'),
  sourceIp: z.string().max(64).optional().describe('only calls from this address'),
  userAgent: z.string().max(1024).optional().describe('only calls made with this user agent (a UserAgent key)'),
  by: entityParam
    .refine((id) => isPrincipalLabel(id.slice(0, id.indexOf(':'))), { message: 'by names a principal (IamUser:…, RoleSession:…, …), whose calls to keep' })
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
