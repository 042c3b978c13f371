import { groups, nodes, type NodeLabel } from '../schema/nodes';
import { TrailhoundError } from '../errors';
import { Group, Label, isNodeLabel } from '../vocabulary';

/**
 * Entities as the API names them: `kind:key`, where kind is a node label and key the value of
 * that label's key property (an ARN, an access key id, an IP...). Keys may contain ":" (ARNs):
 * only the first ":" separates kind from key.
 */
export interface EntityRef {
  readonly kind: NodeLabel;
  readonly key: string;
}

/** Kinds an investigator can ask about (not bookkeeping). */
export const ADDRESSABLE_KINDS: readonly NodeLabel[] = (Object.keys(nodes) as NodeLabel[]).filter(
  (label) => nodes[label].write !== 'case' && label !== Label.TrailhoundMeta && label !== Label.IngestedObject && label !== Label.PullCheckpoint && label !== Label.IntelEntry,
);

export const MAX_KEY_LENGTH = 2048;

export function parseEntityRef(text: string): EntityRef {
  const at = text.indexOf(':');
  if (at <= 0) throw badRef(`"${text.slice(0, 100)}" is not kind:key`);
  return entityRef(text.slice(0, at), text.slice(at + 1));
}

export function entityRef(kind: string, key: string): EntityRef {
  if (!isNodeLabel(kind) || !ADDRESSABLE_KINDS.includes(kind)) throw badRef(`unknown kind "${kind.slice(0, 60)}"`);
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw badRef(`the key must be 1 to ${MAX_KEY_LENGTH} characters`);
  return { kind, key };
}

function badRef(detail: string): TrailhoundError {
  return new TrailhoundError('BAD_ENTITY', `Bad entity: ${detail}.`, `Name an entity as kind:key, kind one of ${ADDRESSABLE_KINDS.join(', ')}.`);
}

export function refId(ref: EntityRef): string {
  return `${ref.kind}:${ref.key}`;
}

export function keyProperty(kind: NodeLabel): string {
  return nodes[kind].key;
}

/** The node's kind: its first label that is not a group label (Principal). */
export function kindOf(labels: readonly string[]): NodeLabel | null {
  const groupNames = Object.keys(groups);
  const label = labels.find((l) => !groupNames.includes(l) && isNodeLabel(l));
  return label && isNodeLabel(label) ? label : null;
}

/** The properties (besides the key) that displayName reads: queries that only need a name fetch just these. */
export const DISPLAY_NAME_PROPERTIES = ['userName', 'roleName', 'roleArn', 'sessionName', 'accountId', 'name', 'type'] as const;

/** What a person calls this entity, from its properties. */
export function displayName(kind: NodeLabel, props: Record<string, unknown>): string {
  const s = (name: (typeof DISPLAY_NAME_PROPERTIES)[number]) => (typeof props[name] === 'string' && props[name] !== '' ? (props[name] as string) : undefined);
  const key = String(props[keyProperty(kind)] ?? '');
  switch (kind) {
    case Label.IamUser:
      return s('userName') ?? key;
    case Label.IamRole:
      return s('roleName') ?? key.split('/').pop() ?? key;
    case Label.RoleSession: {
      const role = s('roleArn')?.split('/').pop();
      const session = s('sessionName');
      return role && session ? `${role}/${session}` : (session ?? key);
    }
    case Label.RootUser:
      return `root (${s('accountId') ?? key})`;
    case Label.FederatedUser:
    case Label.UnknownPrincipal:
      return s('userName') ?? key;
    case Label.AwsService:
      return s('name') ?? key;
    case Label.UserAgent:
      return key.length > 60 ? `${key.slice(0, 59)}…` : key;
    case Label.Ec2Instance:
      return s('name') ? `${s('name')} (${key})` : key;
    case Label.AwsResource:
      return s('name') ?? key;
    case Label.Finding:
      return s('type') ?? key;
    default:
      return key;
  }
}

/** The property that says a node is a principal, to reach any kind of principal by key. */
export const PRINCIPAL_GROUP = Group.Principal;
