import { KILL_CHAIN } from '../indicators/attack';
import { iso } from '../shapes';
import type { Grouped, SharedEntity } from './groupFindings';

/**
 * The ATT&CK tactic a GuardDuty finding type's threat purpose (the part before ":") stands for,
 * after GuardDuty's finding-type format (docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-format.html).
 */
const TACTIC_OF_PURPOSE: Readonly<Record<string, string>> = {
  Recon: 'Reconnaissance',
  UnauthorizedAccess: 'Initial Access',
  InitialAccess: 'Initial Access',
  Pentest: 'Initial Access',
  Execution: 'Execution',
  Persistence: 'Persistence',
  PrivilegeEscalation: 'Privilege Escalation',
  DefenseEvasion: 'Defense Evasion',
  Stealth: 'Defense Evasion',
  CredentialAccess: 'Credential Access',
  Discovery: 'Discovery',
  Backdoor: 'Command and Control',
  Trojan: 'Command and Control',
  Exfiltration: 'Exfiltration',
  Impact: 'Impact',
  CryptoCurrency: 'Impact',
  Cryptocurrency: 'Impact',
};


export function tacticOfFindingType(type: string): string | null {
  return TACTIC_OF_PURPOSE[type.split(':')[0] ?? ''] ?? null;
}

export function tacticsOf(group: Grouped): string[] {
  const found = new Set(group.findings.map((f) => tacticOfFindingType(f.type)).filter((t): t is string => t !== null));
  return KILL_CHAIN.filter((t) => found.has(t));
}

/** GuardDuty's severity bands. */
export function severityLabel(severity: number): 'Critical' | 'High' | 'Medium' | 'Low' {
  return severity >= 9 ? 'Critical' : severity >= 7 ? 'High' : severity >= 4 ? 'Medium' : 'Low';
}

/**
 * How groups rank: the most severe first, then those spanning more tactics (an attack moving
 * along the kill chain), then the larger. One number, so the API can say why a group is first.
 */
export function groupScore(group: Grouped): number {
  const severity = Math.max(...group.findings.map((f) => f.severity));
  return Math.round(severity * 100) + tacticsOf(group).length * 10 + Math.min(group.findings.length, 9);
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  IamUser: 'IAM user',
  IamRole: 'role',
  RoleSession: 'session',
  AccessKey: 'access key',
  IpAddress: 'address',
  Ec2Instance: 'instance',
  S3Bucket: 'bucket',
  NetworkInterface: 'network interface',
  AwsResource: 'resource',
  RootUser: 'root user',
  FederatedUser: 'federated user',
};

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h < 1 ? (Math.round(ms / 60_000) <= 1 ? 'a minute' : `${Math.round(ms / 60_000)} minutes`) : h < 48 ? `${Math.round(h)} hours` : `${Math.round(h / 24)} days`;
}

function entityWords(e: SharedEntity, places: ReadonlyMap<string, string>): string {
  const how = e.via.includes('started') ? ' (who started the sessions they are about)' : e.via.includes('owner') ? ' (whose access key they are about)' : '';
  const where = places.get(e.id);
  return `${KIND_WORDS[e.kind] ?? e.kind} ${e.label}${where ? ` (${where})` : ''}${how}`;
}

/**
 * The group told in plain text, generated from its facts alone (no model, nothing external):
 * how many findings over how long, how severe, which tactics, what joins them, how it began
 * and how it ended.
 */
export function describeGroup(group: Grouped, places: ReadonlyMap<string, string> = new Map()): string {
  const findings = group.findings;
  const first = findings[0]!;
  const last = findings.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
  const severity = Math.max(...findings.map((f) => f.severity));
  const span = Math.max(...findings.map((f) => f.lastSeen)) - first.firstSeen;
  const tactics = tacticsOf(group);
  const accounts = [...new Set(findings.map((f) => f.accountId).filter(Boolean))];
  const sentences = [
    `${findings.length} findings over ${hours(span)}, the most severe ${severity} (${severityLabel(severity)})` +
      `${tactics.length ? `, spanning ${listWords(tactics)}` : ''}${accounts.length > 1 ? `, across ${accounts.length} accounts` : ''}.`,
    `They share ${listWords(group.shared.slice(0, 3).map((e) => entityWords(e, places)))}${group.shared.length > 3 ? ` and ${group.shared.length - 3} more ${group.shared.length === 4 ? 'entity' : 'entities'}` : ''}.`,
    `It begins with ${first.type} at ${iso(first.firstSeen)}${last.findingId === first.findingId ? '' : `; the last active is ${last.type}, until ${iso(last.lastSeen)}`}.`,
  ];
  return sentences.join(' ');
}
