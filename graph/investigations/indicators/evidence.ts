import { Label } from '../../vocabulary';
import { refId } from '../entities';
import { iso } from '../shapes';
import type { Evidence, InvolvedEntity } from './types';
import type { Subject } from './subject';

/** Ten sample ids, earliest first (DuckDB's min_by gives them in time order). */
export function sampleIds(ids: unknown): string[] {
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string').slice(0, 10) : [];
}

/** The evidence of an indicator: sample ids, the count, and the subject's timeline narrowed by `filters`. */
export function evidenceOf(subject: Subject, ids: unknown, count: number, filters: Record<string, string> = {}, window?: { from: number; to: number }): Evidence {
  return {
    eventIds: sampleIds(ids),
    eventCount: count,
    timeline: { entity: refId(subject.ref), from: iso(window?.from ?? subject.from), to: iso(window?.to ?? subject.to), filters },
  };
}

/** The investigated entity itself, as the first involved entity of every indicator. */
export function subjectEntity(subject: Subject): InvolvedEntity {
  return { id: subject.entity.id, kind: subject.entity.kind, key: subject.entity.key, label: subject.entity.label, role: 'investigated' };
}

export function addressEntity(ip: string, role = 'source address'): InvolvedEntity {
  return { id: `${Label.IpAddress}:${ip}`, kind: Label.IpAddress, key: ip, label: ip, role };
}

/** A principal by its key, named as the timeline names it (a session as role/session name). */
export function principalEntity(subject: Subject, key: string, role: string): InvolvedEntity {
  const known = subject.names.of(key);
  if (known) return { id: known.id, kind: known.kind, key, label: known.label, role };
  const kind = key.startsWith('ASIA') ? Label.RoleSession : key.includes(':user/') ? Label.IamUser : key.includes(':role/') ? Label.IamRole : Label.UnknownPrincipal;
  return { id: `${kind}:${key}`, kind, key, label: key.split('/').pop() ?? key, role };
}

/** A resource as the event store names it ("S3Bucket:name", "AwsResource:arn"). */
export function resourceEntity(id: string, role = 'target'): InvolvedEntity | null {
  const at = id.indexOf(':');
  if (at <= 0) return null;
  const kind = id.slice(0, at);
  const key = id.slice(at + 1);
  const label = kind === Label.S3Bucket ? key : (key.split(/[/:]/).filter(Boolean).pop() ?? key);
  return { id, kind, key, label, role };
}

/** A caller's principals, involved in what they did (sessions named, the subject itself left out). */
export function callersOf(subject: Subject, keys: unknown): InvolvedEntity[] {
  if (!Array.isArray(keys)) return [];
  return [...new Set(keys.filter((k): k is string => typeof k === 'string'))]
    .filter((k) => !(subject.own.has(k) && subject.entity.kind !== Label.AccessKey))
    .slice(0, 5)
    .map((k) => principalEntity(subject, k, subject.own.has(k) ? 'caller' : 'session'));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
