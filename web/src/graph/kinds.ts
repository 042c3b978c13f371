import { Label, type NodeLabel } from '../../../graph/vocabulary';

/** How each kind of entity looks: one colour and one icon, shared by the graph and the legend. */
export interface KindLook {
  readonly colour: string;
  readonly shape: 'ellipse' | 'round-rectangle' | 'diamond' | 'hexagon' | 'tag' | 'barrel' | 'round-triangle' | 'octagon';
  /** An SVG path in a 24×24 box, drawn white on the colour. */
  readonly icon: string;
  readonly title: string;
}

const PERSON = 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8c0-3.3 3.1-6 7-6s7 2.7 7 6z';
const KEY = 'M14 4a6 6 0 0 0-5.7 7.9L3 17.2V21h3.8v-2h2v-2h2l1.3-1.3A6 6 0 1 0 14 4zm2 3.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z';
const GLOBE = 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 2c1 0 2.3 2.2 2.7 6H9.3C9.7 7.2 11 5 12 5zm-6.8 6a7 7 0 0 1 4.3-5.6A14 14 0 0 0 7.3 11zm0 2h2.1a14 14 0 0 0 2.2 5.6A7 7 0 0 1 5.2 13zm4.1 0h5.4c-.4 3.8-1.7 6-2.7 6s-2.3-2.2-2.7-6zm7.4 0h2.1a7 7 0 0 1-4.3 5.6 14 14 0 0 0 2.2-5.6zm0-2a14 14 0 0 0-2.2-5.6 7 7 0 0 1 4.3 5.6z';
const SERVER = 'M4 4h16v6H4zm0 10h16v6H4zm3-7.5a1.5 1.5 0 1 0 0 .01zm0 10a1.5 1.5 0 1 0 0 .01z';
const BUCKET = 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3l-2 13c0 1.1-2.7 2-6 2s-6-.9-6-2zm8 2c3.3 0 6-.9 6-2s-2.7-2-6-2-6 .9-6 2 2.7 2 6 2z';
const SHIELD = 'M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5zm-1 5v6h2V7zm0 8v2h2v-2z';
const BADGE = 'M6 3h12v18H6zm3 3v2h6V6zm3 4a3 3 0 1 0 0 6 3 3 0 0 0 0-6z';
const CLOCK = 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm-1 4h2v5.6l3.7 2.2-1 1.7L11 13.7z';
const CUBE = 'M12 2l9 5v10l-9 5-9-5V7zm0 2.3L5.4 8 12 11.7 18.6 8zM5 9.7v6.1l6 3.4v-6.1zm14 0l-6 3.4v6.1l6-3.4z';
const CARD = 'M3 6h18v12H3zm2 2v8h14V8zm2 2h6v2H7z';
const LINK = 'M10 14a4 4 0 0 1 0-5.7l3-3a4 4 0 0 1 5.7 5.7l-1.5 1.5-1.4-1.4 1.5-1.5a2 2 0 0 0-2.9-2.9l-3 3a2 2 0 0 0 0 2.9zm4-4a4 4 0 0 1 0 5.7l-3 3A4 4 0 0 1 5.3 13l1.5-1.5 1.4 1.4-1.5 1.5a2 2 0 0 0 2.9 2.9l3-3a2 2 0 0 0 0-2.9z';
const CLOUD = 'M7 18a5 5 0 0 1-.5-10A6 6 0 0 1 18 9a4.5 4.5 0 0 1-.5 9z';
const DOTS = 'M5 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z';

const LOOKS: Partial<Record<NodeLabel, KindLook>> = {
  [Label.IamUser]: { colour: '#2f6fde', shape: 'ellipse', icon: PERSON, title: 'IAM user' },
  [Label.RootUser]: { colour: '#b4232a', shape: 'ellipse', icon: PERSON, title: 'Root user' },
  [Label.FederatedUser]: { colour: '#4d8fe8', shape: 'ellipse', icon: PERSON, title: 'Federated user' },
  [Label.IamRole]: { colour: '#7c4dd6', shape: 'hexagon', icon: BADGE, title: 'IAM role' },
  [Label.RoleSession]: { colour: '#a77bf0', shape: 'round-rectangle', icon: CLOCK, title: 'Role session' },
  [Label.AwsService]: { colour: '#5f6b7a', shape: 'ellipse', icon: CLOUD, title: 'AWS service' },
  [Label.AwsAccountPrincipal]: { colour: '#6b7d92', shape: 'ellipse', icon: CARD, title: 'Other account' },
  [Label.UnknownPrincipal]: { colour: '#8b8f96', shape: 'ellipse', icon: PERSON, title: 'Unknown principal' },
  [Label.AccessKey]: { colour: '#c98a06', shape: 'tag', icon: KEY, title: 'Access key' },
  [Label.IpAddress]: { colour: '#0f9b8e', shape: 'ellipse', icon: GLOBE, title: 'IP address' },
  [Label.NetworkInterface]: { colour: '#2aa39a', shape: 'round-rectangle', icon: LINK, title: 'Network interface' },
  [Label.Subnet]: { colour: '#4fb3a9', shape: 'round-rectangle', icon: DOTS, title: 'VPC subnet' },
  [Label.Vpc]: { colour: '#6ec2b9', shape: 'round-rectangle', icon: DOTS, title: 'VPC' },
  [Label.Ec2Instance]: { colour: '#e0702b', shape: 'round-rectangle', icon: SERVER, title: 'EC2 instance' },
  [Label.S3Bucket]: { colour: '#3f9d3a', shape: 'barrel', icon: BUCKET, title: 'S3 bucket' },
  [Label.AwsResource]: { colour: '#7a8b2e', shape: 'round-rectangle', icon: CUBE, title: 'Other resource' },
  [Label.Domain]: { colour: '#2b8fb8', shape: 'ellipse', icon: GLOBE, title: 'DNS domain' },
  [Label.UserAgent]: { colour: '#8a6a4f', shape: 'round-rectangle', icon: DOTS, title: 'User agent' },
  [Label.Account]: { colour: '#454f5c', shape: 'octagon', icon: CARD, title: 'AWS account' },
  [Label.Finding]: { colour: '#d33a2c', shape: 'diamond', icon: SHIELD, title: 'GuardDuty finding' },
};

/** Kinds the API has no event timeline for. */
export const NO_TIMELINE: readonly string[] = [Label.Finding, Label.NetworkInterface, Label.Account, Label.UserAgent, Label.Subnet, Label.Vpc, Label.Domain];

/** Whether an entity (kind:key) has a timeline of events. */
export function hasTimeline(id: string): boolean {
  return !NO_TIMELINE.includes(id.slice(0, id.indexOf(':')));
}

const OTHER: KindLook = { colour: '#8b8f96', shape: 'ellipse', icon: DOTS, title: 'Other' };

export function lookOf(kind: string): KindLook {
  return LOOKS[kind as NodeLabel] ?? OTHER;
}

/** Every kind that has a look, in legend order. */
export const LEGEND: readonly { kind: string; look: KindLook }[] = Object.entries(LOOKS).map(([kind, look]) => ({ kind, look: look! }));

const iconCache = new Map<string, string>();

/** The icon as an image Cytoscape can draw (an SVG data URI; no network). */
export function iconUri(kind: string): string {
  let uri = iconCache.get(kind);
  if (!uri) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="48" height="48"><path fill="#fff" d="${lookOf(kind).icon}"/></svg>`;
    uri = `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
    iconCache.set(kind, uri);
  }
  return uri;
}

/** GuardDuty's severity bands: 7-8.9 high, 4-6.9 medium, 1-3.9 low (9+ critical). */
export function severityBand(severity: number | null | undefined): 'critical' | 'high' | 'medium' | 'low' | 'none' {
  if (severity === null || severity === undefined) return 'none';
  if (severity >= 9) return 'critical';
  if (severity >= 7) return 'high';
  if (severity >= 4) return 'medium';
  return 'low';
}
