import type { TimelineEntry } from './entries';

/**
 * OCSF 1.1 JSON Lines: API Activity (6003) for CloudTrail events, Network Activity (4001) for
 * flows, Detection Finding (2004) for GuardDuty findings. type_uid = class_uid * 100 + activity_id.
 */
const VERSION = '1.1.0';
const PRODUCT = (name: string) => ({ name, vendor_name: 'AWS' });

/** CloudTrail verbs to API Activity's activity ids: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. */
function apiActivity(eventName: string | null, readOnly: boolean | null): number {
  const name = eventName ?? '';
  if (/^(Create|Put|Run|Start|Add|Attach|Register|Import|Allocate|Issue)/.test(name)) return 1;
  if (/^(Delete|Remove|Detach|Terminate|Deregister|Revoke|Disable|Stop)/.test(name)) return 4;
  if (readOnly === true || /^(Get|List|Describe|Head|Lookup|Search|Select|Scan|Query)/.test(name)) return 2;
  if (/^(Update|Modify|Set|Change|Enable|Reset|Associate|Tag|Untag|Replace)/.test(name)) return 3;
  return 99;
}

/** GuardDuty severity (1-10) to OCSF severity_id: 2 Low, 3 Medium, 4 High, 5 Critical. */
function severityId(severity: number | null): number {
  if (severity === null) return 0;
  if (severity >= 9) return 5;
  if (severity >= 7) return 4;
  if (severity >= 4) return 3;
  return 2;
}

export function ocsfLine(entry: TimelineEntry): string {
  const time = Date.parse(entry.time);
  let record: Record<string, unknown>;
  if (entry.type === 'event') {
    const e = entry.event;
    const activity = apiActivity(e.eventName, e.readOnly);
    const identity = (entry.raw?.userIdentity ?? {}) as Record<string, unknown>;
    record = {
      class_uid: 6003,
      class_name: 'API Activity',
      category_uid: 6,
      category_name: 'Application Activity',
      activity_id: activity,
      type_uid: 600300 + activity,
      severity_id: 1,
      time,
      status_id: e.errorCode ? 2 : 1,
      status: e.errorCode ? 'Failure' : 'Success',
      metadata: { version: VERSION, product: PRODUCT('CloudTrail'), uid: e.eventId },
      api: {
        operation: e.eventName,
        service: { name: e.eventSource },
        request: { uid: (entry.raw?.requestID as string | undefined) ?? null },
        response: e.errorCode ? { error: e.errorCode, error_message: e.errorMessage } : undefined,
      },
      actor: {
        user: { uid: identity.arn ?? e.principal?.id ?? null, name: e.principal?.label ?? null, type: identity.type ?? null, credential_uid: e.accessKeyId },
        ...(e.inSession ? { session: { uid: e.accessKeyId } } : {}),
      },
      src_endpoint: { ip: e.sourceIp, domain: e.sourceIp ? undefined : e.sourceIPAddress },
      http_request: { user_agent: e.userAgent },
      cloud: { provider: 'AWS', region: e.region, account: { uid: e.accountId } },
      unmapped: { in_session: e.inSession },
    };
  } else if (entry.type === 'flow') {
    const f = entry.flow;
    record = {
      class_uid: 4001,
      class_name: 'Network Activity',
      category_uid: 4,
      category_name: 'Network Activity',
      activity_id: 6,
      type_uid: 400106,
      severity_id: 1,
      time,
      start_time: Date.parse(f.firstSeen),
      end_time: Date.parse(f.lastSeen),
      metadata: { version: VERSION, product: PRODUCT('VPC Flow Logs') },
      src_endpoint: { ip: f.src },
      dst_endpoint: { ip: f.dst, port: f.dstPort },
      connection_info: { protocol_num: f.protocol },
      traffic: { bytes: f.bytes, packets: f.packets },
      disposition_id: f.action === 'ACCEPT' ? 1 : f.action === 'REJECT' ? 2 : 0,
      disposition: f.action,
      count: f.flows,
    };
  } else if (entry.type === 'note') {
    // OCSF's Base Event (class 0), activity Other: a line any OCSF reader accepts, saying what
    // the export left out.
    record = {
      class_uid: 0,
      class_name: 'Base Event',
      category_uid: 0,
      category_name: 'Uncategorized',
      activity_id: 99,
      activity_name: 'Export incomplete',
      type_uid: 99,
      severity_id: 1,
      time,
      message: entry.note,
      metadata: { version: VERSION, product: { name: 'Trailhound', vendor_name: 'Trailhound' } },
    };
  } else {
    const f = entry.finding;
    record = {
      class_uid: 2004,
      class_name: 'Detection Finding',
      category_uid: 2,
      category_name: 'Findings',
      activity_id: 1,
      type_uid: 200401,
      severity_id: severityId(f.severity),
      time,
      metadata: { version: VERSION, product: PRODUCT('GuardDuty'), uid: f.findingId },
      finding_info: {
        uid: f.findingId,
        // Required by Detection Finding: the type stands in for a finding without a title.
        title: f.title ?? f.type,
        desc: f.description,
        types: [f.type],
        first_seen_time: f.firstSeen ? Date.parse(f.firstSeen) : undefined,
        last_seen_time: f.lastSeen ? Date.parse(f.lastSeen) : undefined,
        modified_time: f.updatedAt ? Date.parse(f.updatedAt) : undefined,
      },
      cloud: { provider: 'AWS', region: f.region, account: { uid: f.accountId } },
      unmapped: { severity: f.severity, sample: f.sample },
    };
  }
  return `${JSON.stringify(record)}\n`;
}
