import { describe, expect, it } from 'vitest';
import { mergeExpansion, newElements, parseAggregateId, shortLabel, toElements } from '../../web/src/graph/elements';
import { EMPTY_STATE, investigate, openView, parseState, serializeState, viewUrl, type ViewState } from '../../web/src/state/urlState';
import { eventsBehind } from '../../web/src/graph/drillDown';

const node = (id: string, extra: Record<string, unknown> = {}) => {
  const at = id.indexOf(':');
  return { id, kind: id.slice(0, at), key: id.slice(at + 1), label: id.slice(at + 1), properties: {}, ...extra };
};

describe('API graph payload -> Cytoscape elements', () => {
  it('keeps ids, marks findings by severity and aggregates, and labels edges with their count', () => {
    const elements = toElements({
      nodes: [
        node('IamUser:arn:aws:iam::1:user/carol', { findings: { count: 2, maxSeverity: 8 }, hop: 1 }),
        node('IpAddress:185.220.101.45', { hop: 2 }),
        node('aggregate:IpAddress:10.0.1.10:FLOW:in:IpAddress', { kind: 'IpAddress', aggregate: { parent: 'IpAddress:10.0.1.10', relationship: 'FLOW', direction: 'in', kind: 'IpAddress', count: 37 } }),
      ],
      edges: [
        { id: 'CALLED_FROM:1', kind: 'CALLED_FROM', source: 'IamUser:arn:aws:iam::1:user/carol', target: 'IpAddress:185.220.101.45', count: 1234, properties: {} },
        { id: 'X:2', kind: 'X', source: 'IpAddress:185.220.101.45', target: 'IpAddress:not-in-view', properties: {} },
      ],
    });
    const byId = new Map(elements.map((e) => [e.data.id, e]));
    expect(byId.get('IamUser:arn:aws:iam::1:user/carol')?.classes).toBe('kind-IamUser has-findings severity-high');
    expect(byId.get('aggregate:IpAddress:10.0.1.10:FLOW:in:IpAddress')?.data.label).toBe('+37 IpAddress');
    expect(byId.get('aggregate:IpAddress:10.0.1.10:FLOW:in:IpAddress')?.classes).toBe('aggregate');
    expect(byId.get('CALLED_FROM:1')?.data.label).toBe('CALLED_FROM ×1,234');
    expect(byId.has('X:2')).toBe(false); // an edge to a node not in the view is dropped
  });

  it('cuts long labels on the canvas and keeps the full text for the tooltip', () => {
    const agent = '<img src=x onerror="alert(1)"> Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux';
    const [element] = toElements({ nodes: [node(`UserAgent:${agent}`)], edges: [] });
    expect(element!.data.fullLabel).toBe(agent);
    expect(String(element!.data.label).length).toBeLessThanOrEqual(32);
    expect(shortLabel('short')).toBe('short');
  });

  it('merges an expansion: only new nodes, and edges whose ends are known', () => {
    const incoming = toElements({
      nodes: [node('IpAddress:1.2.3.4'), node('IpAddress:5.6.7.8')],
      edges: [{ id: 'FLOW:9', kind: 'FLOW', source: 'IpAddress:1.2.3.4', target: 'IpAddress:5.6.7.8', properties: {} }],
    });
    const fresh = newElements(incoming, new Set(['IpAddress:1.2.3.4']));
    expect(fresh.map((e) => e.data.id).sort()).toEqual(['FLOW:9', 'IpAddress:5.6.7.8']);
  });

  it('replaces an expanded aggregate with what it stood for, and keeps what its own cap left out, marked', () => {
    const host = 'IpAddress:10.0.0.1';
    const id = `aggregate:${host}:FLOW:out:IpAddress`;
    const aggregate = (count: number) => node(id, { kind: 'IpAddress', label: `+${count}`, aggregate: { parent: host, relationship: 'FLOW', direction: 'out', kind: 'IpAddress', count } });
    const edge = { id: `${host}->${id}`, kind: 'FLOW', source: host, target: id, properties: {} };
    const view = toElements({ nodes: [node(host), aggregate(900)], edges: [edge] });
    // The expansion brings 500 of them and, for the 400 left, an aggregate of the same id.
    const incoming = toElements({
      nodes: [node(host), node('IpAddress:1.1.1.1'), aggregate(400)],
      edges: [{ id: 'FLOW:1', kind: 'FLOW', source: host, target: 'IpAddress:1.1.1.1', properties: {} }, edge],
    });
    const merged = mergeExpansion(view, id, incoming);
    expect(merged.map((e) => e.data.id).sort()).toEqual(['FLOW:1', host, `${host}->${id}`, 'IpAddress:1.1.1.1', id].sort());
    const rest = merged.find((e) => e.data.id === id)!;
    expect(rest.data.label).toBe('+400 more IpAddress');
    expect(rest.data.aggregate).toMatchObject({ count: 400, beyondCap: true });
    // An expansion that brings them all leaves no aggregate behind.
    const all = mergeExpansion(view, id, toElements({ nodes: [node(host), node('IpAddress:1.1.1.1')], edges: [] }));
    expect(all.map((e) => e.data.id)).not.toContain(id);
  });

  it('reads aggregate ids whatever the parent key holds (IPv6 addresses have colons)', () => {
    expect(parseAggregateId('aggregate:IpAddress:2001:db8::1:FLOW:out:IpAddress')).toEqual({ parent: 'IpAddress:2001:db8::1', relationship: 'FLOW', direction: 'out', kind: 'IpAddress' });
    expect(parseAggregateId('IpAddress:1.2.3.4')).toBeNull();
  });
});

describe('URL state <-> view state', () => {
  it('round-trips a full investigation', () => {
    const state: ViewState = {
      root: 'Finding:c8971bde0b2c40db51e05cafb0a83a31',
      from: '2026-11-19T00:00:00.000Z',
      to: '2026-11-20T00:00:00.000Z',
      expanded: ['IamUser:arn:aws:iam::111122223333:user/carol', 'aggregate:IpAddress:10.0.1.10:FLOW:in:IpAddress'],
      hidden: ['UserAgent:aws-cli/2.15 & more=stuff?x#y'],
      selected: ['IpAddress:185.220.101.45', 'S3Bucket:acme-customer-exports-6666'],
      pinned: ['IamUser:arn:aws:iam::111122223333:user/carol'],
      path: ['IpAddress:185.220.101.45', 'S3Bucket:acme-customer-exports-6666'],
      mode: 'neighbourhood',
      layout: 'dagre',
      timeline: { entity: 'IamUser:arn:aws:iam::111122223333:user/carol', eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorsOnly: true, readOnly: false, sourceIp: '2001:db8::7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) & kali', ownCalls: true, by: 'RoleSession:ASIA1', from: '2026-11-12T08:00:00.000Z', to: '2026-11-19T10:00:00.000Z' },
      cypher: "MATCH (u:IamUser {userName: 'carol'})-[r]->(x)\nRETURN u, r, x // & ? # =",
      caseId: 'case-0a1b2c3d',
      caseOpen: true,
      casePage: true,
      findings: { q: 'Exfiltration', severityMin: 7, sort: 'eventLastSeen', ascending: true, includeArchived: true, type: 'Backdoor:EC2/', account: '111122223333', region: 'eu-west-1', groups: true },
    };
    expect(parseState(serializeState(state))).toEqual(state);
    // An empty console is still an open console.
    expect(parseState(serializeState({ ...state, cypher: '' })).cypher).toBe('');
  });

  it('lays out a role chain as a chain until another layout is picked, and keeps that choice', () => {
    const chain = parseState('?root=IamUser%3Acarol&view=chain');
    expect(chain).toMatchObject({ mode: 'chain', layout: 'dagre' });
    expect(serializeState(chain)).toBe('?root=IamUser%3Acarol&view=chain');
    const picked: ViewState = { ...chain, layout: 'fcose' };
    expect(parseState(serializeState(picked))).toMatchObject({ mode: 'chain', layout: 'fcose' });
    expect(parseState('?root=IamUser%3Acarol')).toMatchObject({ mode: 'neighbourhood', layout: 'fcose' });
  });

  it('opens a new root fresh, keeping only the findings filters', () => {
    const busy = parseState('?root=Finding%3Aabc&exp=IamUser%3Acarol&hide=x&sel=y&pin=z&path=a%0Ab&view=chain&layout=concentric&from=2026-01-01&tl=IamUser%3Acarol&sev=7');
    expect(investigate(busy, 'IpAddress:1.2.3.4')).toEqual({ ...EMPTY_STATE, root: 'IpAddress:1.2.3.4', findings: busy.findings });
    expect(investigate(busy, 'IamUser:carol', 'chain')).toMatchObject({ root: 'IamUser:carol', mode: 'chain', layout: 'dagre', expanded: [] });
    // The case being worked on stays open across investigations; its page gives way to the graph.
    const inCase = parseState('?root=Finding%3Aabc&case=case-0a1b2c3d&cases=1&casepage=1');
    expect(investigate(inCase, 'IpAddress:1.2.3.4')).toMatchObject({ caseId: 'case-0a1b2c3d', caseOpen: true, casePage: false });
  });

  it('saves a view without the case, and opens it inside the current case', () => {
    const working = parseState('?root=IamUser%3Acarol&exp=IpAddress%3A1.2.3.4&case=case-0a1b2c3d&cases=1');
    const url = viewUrl(working);
    expect(url).toBe('/?root=IamUser%3Acarol&exp=IpAddress%3A1.2.3.4');
    const elsewhere = parseState('?case=case-99999999&cases=1&casepage=1');
    expect(openView(elsewhere, url)).toEqual({ ...parseState('?root=IamUser%3Acarol&exp=IpAddress%3A1.2.3.4'), caseId: 'case-99999999', caseOpen: true, casePage: false });
    // Only a well-formed case id opens a case.
    expect(parseState('?case=%3Cscript%3E').caseId).toBeNull();
  });

  it('keeps a path only between two entities', () => {
    expect(parseState('?path=a').path).toEqual([]);
    expect(parseState('?path=a%0Ab%0Ac').path).toEqual([]);
  });

  it('writes nothing for the default view, and ignores what it does not know', () => {
    expect(serializeState(EMPTY_STATE)).toBe('');
    expect(parseState('?layout=spiral&sev=high&bogus=1')).toEqual(EMPTY_STATE);
  });
});

describe('drill-down from an edge to the events behind it', () => {
  const carol = 'IamUser:arn:aws:iam::111122223333:user/carol';
  const span = { firstSeen: '2026-11-12T08:00:00.000Z', lastSeen: '2026-11-19T10:00:00.000Z' };
  const within = { from: span.firstSeen, to: span.lastSeen };
  it("opens the events the edge counts, over the edge's own span", () => {
    expect(eventsBehind({ kind: 'CALLED_FROM', source: carol, target: 'IpAddress:185.220.101.45', ...span })).toEqual({ entity: carol, sourceIp: '185.220.101.45', ownCalls: true, ...within });
    expect(eventsBehind({ kind: 'USED_AGENT', source: carol, target: 'UserAgent:python-requests/2.31.0: x', ...span })).toEqual({ entity: carol, userAgent: 'python-requests/2.31.0: x', ownCalls: true, ...within });
    // A resource, a user or a role: the calls that principal made naming it.
    expect(eventsBehind({ kind: 'ACCESSED', source: carol, target: 'IamRole:arn:aws:iam::111122223333:role/Admin', ...span })).toEqual({ entity: 'IamRole:arn:aws:iam::111122223333:role/Admin', by: carol, ...within });
    // A key's and a session's own calls, not those of the sessions chained from them.
    expect(eventsBehind({ kind: 'KEY_OF', source: 'AccessKey:ASIA1', target: 'RoleSession:ASIA1', ...span })).toEqual({ entity: 'AccessKey:ASIA1', ownCalls: true, ...within });
    expect(eventsBehind({ kind: 'SESSION_OF', source: 'RoleSession:ASIA1', target: 'IamRole:arn:aws:iam::1:role/Admin' })).toEqual({ entity: 'RoleSession:ASIA1', ownCalls: true });
    // A session's start: its starter's call to STS when the link was first seen (some sessions
    // renew the link with every call they make: its last sighting says nothing of the start).
    expect(eventsBehind({ kind: 'ASSUMED', source: carol, target: 'RoleSession:ASIA1', ...span })).toEqual({ entity: carol, eventSource: 'sts.amazonaws.com', ownCalls: true, from: span.firstSeen, to: span.firstSeen });
  });
  it('has nothing to open behind flows', () => {
    expect(eventsBehind({ kind: 'FLOW', source: 'IpAddress:10.0.0.1', target: 'IpAddress:10.0.0.2' })).toBeNull();
  });
});
