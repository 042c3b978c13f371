/**
 * The whole investigation lives in the URL, so a copied link reproduces the view: what is
 * investigated, the scope time, expanded and hidden nodes, the selection, the layout, the open
 * timeline and its filters, the open flow records and their page, the findings list's filters.
 */
export type Layout = 'fcose' | 'force' | 'dagre' | 'breadthfirst' | 'concentric';
export const LAYOUTS: readonly Layout[] = ['fcose', 'force', 'dagre', 'breadthfirst', 'concentric'];

/**
 * What the graph shows around the root: its neighbourhood (a finding's blast radius), or for a
 * principal its role chain (who started it, the sessions it started).
 */
export type GraphMode = 'neighbourhood' | 'chain';

/** The layout suited to each purpose, used until the investigator picks another. */
export function defaultLayout(mode: GraphMode): Layout {
  return mode === 'chain' ? 'dagre' : 'fcose';
}

export interface TimelineState {
  readonly entity: string;
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly errorsOnly?: boolean;
  readonly readOnly?: boolean;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** A principal's own calls, without those of the sessions it started. */
  readonly ownCalls?: boolean;
  /** Only the calls this principal made (on a resource, user, role or key: naming it). */
  readonly by?: string;
  /** The timeline's own span (a drill-down from an aggregate: all its evidence); else the view's scope. */
  readonly from?: string;
  readonly to?: string;
}

/**
 * The flow-log records behind a FLOW edge: those from one address to another over the edge's own
 * span (all of the evidence it counts), a page at a time.
 */
export interface FlowsState {
  readonly src: string;
  readonly dst: string;
  readonly from?: string;
  readonly to?: string;
  /** The first record of the page shown (0 when absent). */
  readonly offset?: number;
}

export interface ViewState {
  /** A finding id or an entity (kind:key) at the centre of the graph; none: the findings list. */
  readonly root: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly expanded: readonly string[];
  readonly hidden: readonly string[];
  readonly selected: readonly string[];
  /** Nodes locked where they are while the rest is laid out again. */
  readonly pinned: readonly string[];
  /** Two entities whose shortest observed path is highlighted. */
  readonly path: readonly string[];
  readonly mode: GraphMode;
  readonly layout: Layout;
  readonly timeline: TimelineState | null;
  /** The flow records open in the timeline's place; absent when none are. */
  readonly flows?: FlowsState | undefined;
  /** The Cypher console's query: the console is open when it is not null. */
  readonly cypher: string | null;
  /** The case being worked on (its pins are badged in the graph, pin buttons add to it). */
  readonly caseId: string | null;
  /** The case sidebar is open. */
  readonly caseOpen: boolean;
  /** The case page (its report) in the main area. */
  readonly casePage: boolean;
  readonly findings: {
    readonly q: string;
    readonly severityMin: number | null;
    readonly sort: string;
    /** Ascending instead of the default (most severe, newest, most frequent first). */
    readonly ascending: boolean;
    readonly includeArchived: boolean;
    /** A type prefix ("Backdoor:", "UnauthorizedAccess:IAMUser/"), an account, a region. */
    readonly type: string;
    readonly account: string;
    readonly region: string;
    /** Finding groups instead of the findings table. */
    readonly groups: boolean;
  };
}

export const EMPTY_STATE: ViewState = {
  root: null,
  from: null,
  to: null,
  expanded: [],
  hidden: [],
  selected: [],
  pinned: [],
  path: [],
  mode: 'neighbourhood',
  layout: 'fcose',
  timeline: null,
  cypher: null,
  caseId: null,
  caseOpen: false,
  casePage: false,
  findings: { q: '', severityMin: null, sort: 'severity', ascending: false, includeArchived: false, type: '', account: '', region: '', groups: false },
};

// Entity ids contain ":" and "/", never a newline: lists are newline-separated in one parameter.
const list = (value: string | null) => (value ? value.split('\n').filter(Boolean) : []);

export function parseState(search: string): ViewState {
  const p = new URLSearchParams(search);
  const layout = p.get('layout');
  const timelineEntity = p.get('tl');
  const severity = p.get('sev');
  const mode: GraphMode = p.get('view') === 'chain' ? 'chain' : 'neighbourhood';
  const path = list(p.get('path'));
  const flows = parseFlows(p);
  return {
    root: p.get('root') || null,
    from: p.get('from') || null,
    to: p.get('to') || null,
    expanded: list(p.get('exp')),
    hidden: list(p.get('hide')),
    selected: list(p.get('sel')),
    pinned: list(p.get('pin')),
    path: path.length === 2 ? path : [],
    mode,
    layout: LAYOUTS.includes(layout as Layout) ? (layout as Layout) : defaultLayout(mode),
    timeline: timelineEntity
      ? {
          entity: timelineEntity,
          ...(p.get('tlsvc') ? { eventSource: p.get('tlsvc')! } : {}),
          ...(p.get('tlapi') ? { eventName: p.get('tlapi')! } : {}),
          ...(p.get('tlerr') === '1' ? { errorsOnly: true } : {}),
          ...(p.get('tlro') === '1' ? { readOnly: true } : p.get('tlro') === '0' ? { readOnly: false } : {}),
          ...(p.get('tlip') ? { sourceIp: p.get('tlip')! } : {}),
          ...(p.get('tlua') ? { userAgent: p.get('tlua')! } : {}),
          ...(p.get('tlown') === '1' ? { ownCalls: true } : {}),
          ...(p.get('tlby') ? { by: p.get('tlby')! } : {}),
          ...(p.get('tlfrom') ? { from: p.get('tlfrom')! } : {}),
          ...(p.get('tlto') ? { to: p.get('tlto')! } : {}),
        }
      : null,
    ...(flows ? { flows } : {}),
    cypher: p.get('cypher'),
    caseId: /^case-[0-9a-f]{8}$/.test(p.get('case') ?? '') ? p.get('case') : null,
    caseOpen: p.get('cases') === '1',
    casePage: p.get('casepage') === '1' && /^case-[0-9a-f]{8}$/.test(p.get('case') ?? ''),
    findings: {
      q: p.get('q') ?? '',
      severityMin: severity !== null && severity !== '' && Number.isFinite(Number(severity)) ? Number(severity) : null,
      sort: p.get('sort') || 'severity',
      ascending: p.get('order') === 'asc',
      includeArchived: p.get('archived') === '1',
      type: p.get('type') ?? '',
      account: p.get('account') ?? '',
      region: p.get('region') ?? '',
      groups: p.get('findings') === 'groups',
    },
  };
}

export function serializeState(state: ViewState): string {
  const p = new URLSearchParams();
  const set = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') p.set(name, value);
  };
  set('root', state.root);
  set('from', state.from);
  set('to', state.to);
  set('exp', state.expanded.join('\n'));
  set('hide', state.hidden.join('\n'));
  set('sel', state.selected.join('\n'));
  set('pin', state.pinned.join('\n'));
  if (state.path.length === 2) set('path', state.path.join('\n'));
  if (state.mode !== 'neighbourhood') set('view', state.mode);
  if (state.layout !== defaultLayout(state.mode)) set('layout', state.layout);
  if (state.timeline) {
    set('tl', state.timeline.entity);
    set('tlsvc', state.timeline.eventSource);
    set('tlapi', state.timeline.eventName);
    if (state.timeline.errorsOnly) set('tlerr', '1');
    if (state.timeline.readOnly !== undefined) set('tlro', state.timeline.readOnly ? '1' : '0');
    set('tlip', state.timeline.sourceIp);
    set('tlua', state.timeline.userAgent);
    if (state.timeline.ownCalls) set('tlown', '1');
    set('tlby', state.timeline.by);
    set('tlfrom', state.timeline.from);
    set('tlto', state.timeline.to);
  }
  if (state.flows) {
    set('flsrc', state.flows.src);
    set('fldst', state.flows.dst);
    set('flfrom', state.flows.from);
    set('flto', state.flows.to);
    if (state.flows.offset) set('floff', String(state.flows.offset));
  }
  if (state.cypher !== null) p.set('cypher', state.cypher);
  set('case', state.caseId);
  if (state.caseOpen) set('cases', '1');
  if (state.casePage && state.caseId) set('casepage', '1');
  set('q', state.findings.q);
  if (state.findings.severityMin !== null) set('sev', String(state.findings.severityMin));
  if (state.findings.sort !== 'severity') set('sort', state.findings.sort);
  if (state.findings.includeArchived) set('archived', '1');
  if (state.findings.ascending) set('order', 'asc');
  set('type', state.findings.type);
  set('account', state.findings.account);
  set('region', state.findings.region);
  if (state.findings.groups) set('findings', 'groups');
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** Both addresses, or no flow records; a page that is not a count of records is the first. */
function parseFlows(p: URLSearchParams): FlowsState | null {
  const src = p.get('flsrc');
  const dst = p.get('fldst');
  if (!src || !dst) return null;
  const offset = Number(p.get('floff'));
  return {
    src,
    dst,
    ...(p.get('flfrom') ? { from: p.get('flfrom')! } : {}),
    ...(p.get('flto') ? { to: p.get('flto')! } : {}),
    ...(Number.isSafeInteger(offset) && offset > 0 ? { offset } : {}),
  };
}

/** A finding id (hex) or an entity id (Kind:key). */
export function rootKind(root: string): 'finding' | 'entity' {
  return root.startsWith('Finding:') || !root.includes(':') ? 'finding' : 'entity';
}

/**
 * A fresh investigation of `root`: nothing expanded, hidden, selected, pinned or scoped yet,
 * laid out for its purpose. The findings list keeps its filters for the way back.
 */
export function investigate(state: ViewState, root: string | null, mode: GraphMode = 'neighbourhood'): ViewState {
  return { ...EMPTY_STATE, root, mode, layout: defaultLayout(mode), findings: state.findings, caseId: state.caseId, caseOpen: state.caseOpen };
}

/** What a saved view keeps: the investigation, not which case is open or whether its sidebar is. */
export function viewUrl(state: ViewState): string {
  return `/${serializeState({ ...state, caseId: null, caseOpen: false, casePage: false })}`;
}

/** A saved view opened inside the current case: its investigation, with the case still open. */
export function openView(current: ViewState, url: string): ViewState {
  const at = url.indexOf('?');
  const saved = parseState(at === -1 ? '' : url.slice(at));
  return { ...saved, caseId: current.caseId, caseOpen: current.caseOpen, casePage: false };
}
