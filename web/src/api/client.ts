import type { TimelineFilters } from '../../../graph/investigations/timeline';
import { FLOW_PAGE } from '../graph/flowRecords';
import type { FlowsState, ViewState } from '../state/urlState';
import type { CaseFile, CaseHeader, CaseList, CaseLog, CaseNote, CasePin, ConsoleResult, FindingDetail, SavedQuery, SavedView, FindingGroupDetail, FindingGroups, FindingList, FlowRecords, GraphView, Investigation, Paths, Profile, RoleChain, SearchResult, TimelinePage } from './types';

/** An API error as the server's envelope gives it: what happened and what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'trailhound.token';

/** With TRAILHOUND_TOKEN set on the server, the UI asks for it once per browser session. */
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Downloads an export. Without a token a plain link streams it to disk; with one, the browser
 * cannot add the header to a link, so the file is fetched with it and saved from memory.
 */
export async function downloadExport(url: string, event: { preventDefault: () => void }): Promise<void> {
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  event.preventDefault();
  const response = await fetch(url, { headers: headers() });
  if (!response.ok) throw new ApiError(response.status, 'EXPORT_FAILED', `The export failed (${response.status}).`);
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'trailhound-timeline';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function headers(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: headers(), ...(signal ? { signal } : {}) });
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; hint?: string } } | null;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${response.status}.`, error?.hint);
  }
  return body as T;
}

async function post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return send<T>('POST', path, body, signal);
}

/** A request with a JSON body (or none): a case change, a console query. */
async function send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...headers(), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  });
  const answer = (await response.json().catch(() => null)) as { error?: { code: string; message: string; hint?: string } } | null;
  if (!response.ok) {
    const error = answer?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${response.status}.`, error?.hint);
  }
  return answer as T;
}

/** Markdown or another text answer (a case report). */
async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(path, { headers: headers(), ...(signal ? { signal } : {}) });
  if (!response.ok) {
    const error = ((await response.json().catch(() => null)) as { error?: { code: string; message: string; hint?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${response.status}.`, error?.hint);
  }
  return response.text();
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | boolean | null | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const text = p.toString();
  return text ? `?${text}` : '';
};
const entityPath = (id: string) => {
  const at = id.indexOf(':');
  return `/api/entities/${enc(id.slice(0, at))}/${enc(id.slice(at + 1))}`;
};
const findingKey = (id: string) => (id.startsWith('Finding:') ? id.slice('Finding:'.length) : id);

export interface Scope {
  readonly from: string | null;
  readonly to: string | null;
}

export const api = {
  findings: (q: ViewState['findings'], signal?: AbortSignal) =>
    get<FindingList>(
      `/api/findings${query({ q: q.q, severityMin: q.severityMin, sort: q.sort, order: q.ascending ? 'asc' : null, type: q.type, account: q.account, region: q.region, includeArchived: q.includeArchived || null, limit: 500 })}`,
      signal,
    ),
  finding: (id: string, signal?: AbortSignal) => get<FindingDetail>(`/api/findings/${enc(findingKey(id))}`, signal),
  blastRadius: (id: string, scope: Scope, signal?: AbortSignal) =>
    get<GraphView>(`/api/findings/${enc(findingKey(id))}/blast-radius${query({ hops: 2, from: scope.from, to: scope.to, limit: 1500 })}`, signal),
  neighbors: (id: string, scope: Scope, options: { kinds?: string; perKind?: number } = {}, signal?: AbortSignal) =>
    get<GraphView>(`${entityPath(id)}/neighbors${query({ from: scope.from, to: scope.to, kinds: options.kinds, perKind: options.perKind, limit: 1000 })}`, signal),
  roleChain: (id: string, scope: Scope, signal?: AbortSignal) => get<RoleChain>(`${entityPath(id)}/role-chain${query({ from: scope.from, to: scope.to, limit: 300 })}`, signal),
  profile: (id: string, scope: Scope, signal?: AbortSignal) => get<Profile>(`${entityPath(id)}${query({ from: scope.from, to: scope.to })}`, signal),
  timeline: (id: string, scope: Scope, filters: TimelineQuery, cursor: string | null, signal?: AbortSignal) =>
    get<TimelinePage>(`${entityPath(id)}/timeline${query({ from: scope.from, to: scope.to, cursor, limit: 500, ...filterParams(filters) })}`, signal),
  event: (eventId: string, signal?: AbortSignal) => get<{ record: Record<string, unknown> }>(`/api/events/${enc(eventId)}`, signal),
  /** A page of the flow-log records from one address to another (a FLOW edge's), in time order. */
  flows: (flows: FlowsState, signal?: AbortSignal) =>
    get<FlowRecords>(`/api/flows${query({ src: flows.src, dst: flows.dst, from: flows.from, to: flows.to, limit: FLOW_PAGE, offset: flows.offset || null })}`, signal),
  /** Indicators of compromise for a principal or key (the API's default scope when none is set). */
  investigation: (id: string, scope: Scope, signal?: AbortSignal) => {
    const at = id.indexOf(':');
    return get<Investigation>(`/api/investigations/${enc(id.slice(0, at))}/${enc(id.slice(at + 1))}${query({ from: scope.from, to: scope.to })}`, signal);
  },
  findingGroups: (signal?: AbortSignal) => get<FindingGroups>('/api/finding-groups', signal),
  findingGroup: (id: string, signal?: AbortSignal) => get<FindingGroupDetail>(`/api/finding-groups/${enc(id)}`, signal),
  search: (q: string, signal?: AbortSignal) => get<SearchResult>(`/api/search${query({ q, limit: 20 })}`, signal),
  paths: (from: string, to: string, signal?: AbortSignal) => get<Paths>(`/api/paths${query({ from, to, maxHops: 6 })}`, signal),
  /** A read-only Cypher query (the console). */
  cypher: (query: string, signal?: AbortSignal) => post<ConsoleResult>('/api/cypher', { query }, signal),
  cases: {
    list: (signal?: AbortSignal) => get<CaseList>('/api/cases', signal),
    open: (title: string) => send<CaseHeader>('POST', '/api/cases', { title }),
    get: (caseId: string, signal?: AbortSignal) => get<CaseFile>(`/api/cases/${enc(caseId)}`, signal),
    /** `expected`: the values this view showed; the server refuses (409) if someone changed them since. */
    update: (caseId: string, fields: CaseFieldChange, expected: CaseFieldChange) => send<CaseHeader>('PATCH', `/api/cases/${enc(caseId)}`, { ...fields, expected }),
    /** The latest entries, newest first; `total` says how many the log holds. */
    log: (caseId: string, signal?: AbortSignal) => get<CaseLog>(`/api/cases/${enc(caseId)}/log?newest=true&limit=200`, signal),
    reportMarkdown: (caseId: string, signal?: AbortSignal) => getText(`/api/cases/${enc(caseId)}/report?format=md`, signal),
    reportUrl: (caseId: string, format: 'md' | 'json') => `/api/cases/${enc(caseId)}/report?format=${format}&timelineLimit=10000`,
    pin: (caseId: string, kind: CasePin['kind'], ref: string) => send<CasePin>('POST', `/api/cases/${enc(caseId)}/pins`, { kind, ref }),
    updatePin: (caseId: string, pinId: string, fields: PinChange, expected: PinChange) => send<CasePin>('PATCH', `/api/cases/${enc(caseId)}/pins/${enc(pinId)}`, { ...fields, expected }),
    unpin: (caseId: string, pinId: string) => send<unknown>('DELETE', `/api/cases/${enc(caseId)}/pins/${enc(pinId)}`),
    addNote: (caseId: string, text: string) => send<CaseNote>('POST', `/api/cases/${enc(caseId)}/notes`, { text }),
    editNote: (caseId: string, noteId: string, text: string, was: string) => send<CaseNote>('PATCH', `/api/cases/${enc(caseId)}/notes/${enc(noteId)}`, { text, expected: { text: was } }),
    removeNote: (caseId: string, noteId: string) => send<unknown>('DELETE', `/api/cases/${enc(caseId)}/notes/${enc(noteId)}`),
    saveView: (caseId: string, name: string, url: string) => send<SavedView>('POST', `/api/cases/${enc(caseId)}/views`, { name, url }),
    removeView: (caseId: string, viewId: string) => send<unknown>('DELETE', `/api/cases/${enc(caseId)}/views/${enc(viewId)}`),
    saveQuery: (caseId: string, name: string, query: string) => send<SavedQuery>('POST', `/api/cases/${enc(caseId)}/queries`, { name, query }),
    removeQuery: (caseId: string, queryId: string) => send<unknown>('DELETE', `/api/cases/${enc(caseId)}/queries/${enc(queryId)}`),
    archiveFinding: (caseId: string, findingId: string, archive: boolean, reason: string) =>
      send<unknown>('POST', `/api/cases/${enc(caseId)}/findings/${enc(findingKey(findingId))}/${archive ? 'archive' : 'unarchive'}`, { reason }),
  },
  exportUrl: (id: string, format: string, scope: Scope, filters: TimelineQuery) =>
    `/api/export/timeline${query({ entity: id, format, from: scope.from, to: scope.to, ...filterParams(filters) })}`,
};


type CaseFieldChange = { title?: string; status?: CaseHeader['status']; owner?: string | null };
type PinChange = { verdict?: CasePin['verdict']; note?: string };

function filterParams(f: TimelineQuery) {
  return { eventSource: f.eventSource, eventName: f.eventName, errorsOnly: f.errorsOnly ? true : null, readOnly: f.readOnly, sourceIp: f.sourceIp, userAgent: f.userAgent, by: f.by, includeSessions: f.ownCalls ? false : null };
}

/** A timeline's filters, and for a principal whether to leave out its sessions' calls (a profile's counts are its own calls). */
export interface TimelineQuery extends Omit<TimelineFilters, 'principalKey'> {
  readonly ownCalls?: boolean | undefined;
  /** Only the calls of this principal (kind:key). */
  readonly by?: string | undefined;
}

export type { TimelineFilters };
