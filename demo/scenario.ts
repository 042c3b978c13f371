import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BackgroundActivity } from './cloudtrail/background';
import { cloudTrailObjectKey } from './cloudtrail/delivery';
import type { CloudTrailRecord } from './cloudtrail/events';
import { buildWorld } from './cloudtrail/world';
import { guardDutyFinding } from './guardduty/findings';
import { buildIncident, type Cast } from './incident/story';
import { Random } from './random';
import { DEFAULT_HEADER, defaultFormatLine, everydayFlows, type FlowLine, type Host } from './vpcflow/traffic';
import { WindowedFiles } from './windowedFiles';
import { writeStreamed } from './writeFile';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * One file per account, region and three hours. AWS delivers smaller files more often (every
 * 5 to 15 minutes); fewer files keep the demo's first load short, and the ingest reads either.
 */
const FILE_WINDOW = 3 * HOUR;

export interface ScenarioOptions {
  readonly dir: string;
  readonly seed: number;
  /** Background CloudTrail events (the incident adds its own). */
  readonly events: number;
  /** Background flow records. */
  readonly flowLines: number;
  /** Days of history before the end (for baselines). */
  readonly days: number;
  /** The scenario's end (epoch ms); the incident happens in its last day and a half. */
  readonly end: number;
}

export interface ScenarioManifest {
  readonly options: Omit<ScenarioOptions, 'dir'>;
  readonly cast: Cast;
  readonly counts: { readonly cloudTrailEvents: number; readonly flowRecords: number; readonly findings: number; readonly files: number };
}

/** The manifest (options, cast, counts) sits beside the logs, not among them. */
export const MANIFEST = 'scenario.json';
/** Where the delivered logs go, under the scenario directory: what `ingest` reads. */
export const LOGS = 'logs';

/**
 * Writes the demo incident and its background as AWS delivers them: CloudTrail as
 * `{"Records":[...]}` .json.gz under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ (one file
 * per account, region and three hours), VPC flow logs as .log.gz with a header under
 * AWSLogs/<account>/vpcflowlogs/..., and GuardDuty findings both as EventBridge events and as an
 * S3 export (JSON Lines, gzipped). Deterministic for a seed; streamed, so memory stays flat at
 * any size. It never writes to the graph: the real ingest reads these files.
 */
export async function writeScenario(options: ScenarioOptions, progress: (message: string) => void = () => {}): Promise<ScenarioManifest> {
  const { random, world, hosts, incident } = stageScenario(options.seed, options.end);
  const start = options.end - options.days * DAY;
  const regionOf = new Map(world.instances.map((instance) => [instance.name, instance.region]));
  const hostOf = new Map(hosts.map((host) => [host.interfaceId, host]));
  const logs = join(options.dir, LOGS);

  // CloudTrail: background and incident merged in time order, one file per account, region, window.
  const trails = new WindowedFiles({ header: '{"Records":[', separator: ',', footer: ']}\n' });
  let cloudTrailEvents = 0;
  const background = new BackgroundActivity(world, random, start, options.end).events(options.events);
  for (const record of mergeByTime(background, incident.events, (r) => String(r.eventTime))) {
    const account = String(record.recipientAccountId);
    const region = String(record.awsRegion);
    const time = Date.parse(String(record.eventTime));
    const hour = time - (time % FILE_WINDOW);
    const path = join(logs, cloudTrailObjectKey(account, region, hour, fileTag(account, region, hour)));
    await trails.write(`${account}|${region}`, path, JSON.stringify(record));
    if (++cloudTrailEvents % 20_000 === 0) progress(`writing CloudTrail: ${cloudTrailEvents.toLocaleString('en-US')} events`);
  }
  await trails.close();

  // Flow logs: one file per account, region and window, with the header S3 delivery has.
  const flowFiles = new WindowedFiles({ header: `${DEFAULT_HEADER}\n`, separator: '', footer: '' });
  let flowRecords = 0;
  const everyday = everydayFlows(random, hosts, start, options.end, options.flowLines);
  const beacons = incident.flows.sort((a, b) => a.start - b.start);
  for (const flow of mergeByTime(everyday, beacons, (f: FlowLine) => String(f.start).padStart(12, '0'))) {
    const host = hostOf.get(flow.interfaceId);
    const region = (host && regionOf.get(host.instanceId)) ?? 'us-east-1';
    const hour = flow.start * 1000 - ((flow.start * 1000) % FILE_WINDOW);
    const path = join(logs, flowLogObjectKey(flow.account, region, hour));
    await flowFiles.write(`${flow.account}|${region}`, path, `${defaultFormatLine(flow)}\n`);
    if (++flowRecords % 50_000 === 0) progress(`writing flow logs: ${flowRecords.toLocaleString('en-US')} records`);
  }
  await flowFiles.close();

  // GuardDuty: the incident's findings and everyday noise, as EventBridge events and an S3 export.
  const findings = [...incident.findings, ...noiseFindings(new Random(options.seed + 2), world, hosts, start, options.end)];
  for (const finding of findings) {
    const event = { version: '0', id: random.uuid(), 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', account: finding.accountId, time: finding.updatedAt, region: finding.region, resources: [], detail: finding };
    await writeFile(join(await ensure(join(logs, 'guardduty-eventbridge')), `${String(finding.id)}.json`), `${JSON.stringify(event, null, 2)}\n`);
  }
  // Each detector (account and region) exports its own findings under its own region's folder.
  let exports = 0;
  for (const detector of new Set(findings.map((f) => `${String(f.accountId)}/${String(f.region)}`))) {
    const [account, region] = detector.split('/') as [string, string];
    const mine = findings.filter((f) => f.accountId === account && f.region === region);
    const day = new Date(options.end);
    const path = join(logs, 'AWSLogs', account, 'GuardDuty', region, String(day.getUTCFullYear()), String(day.getUTCMonth() + 1).padStart(2, '0'), String(day.getUTCDate()).padStart(2, '0'), `${random.uuid()}.jsonl.gz`);
    await ensure(join(path, '..'));
    await writeStreamed(path, mine.map((f) => `${JSON.stringify(f)}\n`), { gzip: true });
    exports += 1;
  }

  const manifest: ScenarioManifest = {
    options: { seed: options.seed, events: options.events, flowLines: options.flowLines, days: options.days, end: options.end },
    cast: incident.cast,
    counts: { cloudTrailEvents, flowRecords, findings: findings.length, files: trails.files + flowFiles.files + findings.length + exports },
  };
  await writeFile(join(options.dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The organisation, its machines and the incident for a seed: the same whatever the volume of
 * background activity, so the walkthrough's ids hold for every size.
 */
export function stageScenario(seed: number, end: number) {
  const random = new Random(seed);
  const world = buildWorld(random, 1);
  const hosts: Host[] = world.instances.map((instance, i) => ({
    account: instance.account,
    interfaceId: `eni-0${random.hex(16)}`,
    instanceId: instance.name,
    privateIp: `10.${i % 3}.${1 + Math.floor(i / 50)}.${10 + (i % 50)}`,
  }));
  const incident = buildIncident(new Random(seed + 1), world, hosts, end);
  return { random, world, hosts, incident };
}

/** Merges two time-ordered streams. */
function* mergeByTime<T>(a: Iterable<T>, b: readonly T[], time: (x: T) => string): Generator<T> {
  let i = 0;
  for (const x of a) {
    while (i < b.length && time(b[i]!) <= time(x)) yield b[i++]!;
    yield x;
  }
  while (i < b.length) yield b[i++]!;
}

/** A stable per-file suffix, as AWS puts a random one: derived, so reruns write the same names. */
function fileTag(account: string, region: string, hour: number): string {
  let h = 2166136261;
  for (const c of `${account}${region}${hour}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36).toUpperCase().padStart(7, '0').slice(0, 16);
}

function flowLogObjectKey(account: string, region: string, hour: number): string {
  const d = new Date(hour);
  const yyyy = d.getUTCFullYear();
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const stamp = `${yyyy}${mm}${dd}T${String(d.getUTCHours()).padStart(2, '0')}00Z`;
  return `AWSLogs/${account}/vpcflowlogs/${region}/${yyyy}/${mm}/${dd}/${account}_vpcflowlogs_${region}_fl-0a1b2c3d4e5f6a7b8_${stamp}_${fileTag(account, region, hour)}.log.gz`;
}

async function ensure(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Everyday GuardDuty findings that are not the incident: scans and brute force against web hosts. */
function noiseFindings(random: Random, world: ReturnType<typeof buildWorld>, hosts: readonly Host[], start: number, end: number): Record<string, unknown>[] {
  const scanners = [
    { ip: '89.248.165.52', country: 'Netherlands', city: 'Amsterdam', asn: 202425, asnOrg: 'IP Volume inc' },
    { ip: '45.146.164.110', country: 'Russia', city: 'Moscow', asn: 198610, asnOrg: 'Beget LLC' },
  ];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 4; i++) {
    const host = hosts[(i * 7 + 3) % hosts.length]!;
    const at = start + random.int(1, 25) * DAY;
    out.push(
      guardDutyFinding(random, {
        type: i % 2 === 0 ? 'Recon:EC2/PortProbeUnprotectedPort' : 'UnauthorizedAccess:EC2/SSHBruteForce',
        severity: 2,
        title: i % 2 === 0 ? `Unprotected port on EC2 instance ${host.instanceId} is being probed.` : `${scanners[1]!.ip} is performing SSH brute force attacks against ${host.instanceId}.`,
        description: 'Everyday internet background noise.',
        account: host.account,
        region: world.instances.find((x) => x.name === host.instanceId)?.region ?? 'us-east-1',
        firstSeen: at,
        lastSeen: Math.min(end, at + random.int(1, 6) * HOUR),
        count: random.int(3, 200),
        resource: { kind: 'instance', instanceId: host.instanceId, interfaceId: host.interfaceId, privateIp: host.privateIp, subnetId: 'subnet-0a1b2c3d4e5f60002', vpcId: 'vpc-0a1b2c3d4e5f60001', name: `web-${i}` },
        action:
          i % 2 === 0
            ? { kind: 'PORT_PROBE', probes: scanners.map((s, p) => ({ remoteIp: s, localPort: [22, 3389][p]! })), localIp: host.privateIp }
            : { kind: 'NETWORK_CONNECTION', remoteIp: scanners[1]!, remotePort: random.int(40000, 60000), localPort: 22, localIp: host.privateIp, direction: 'INBOUND' },
      }),
    );
  }
  return out;
}

export type { CloudTrailRecord };
