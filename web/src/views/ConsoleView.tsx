import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { ApiEdge, ApiNode, ConsoleResult } from '../api/types';
import { GraphCanvas } from '../components/GraphCanvas';
import { Failure } from '../components/States';
import { Shown } from '../components/Shown';
import { toElements } from '../graph/elements';
import { lookOf } from '../graph/kinds';
import { Label, Rel } from '../../../graph/vocabulary';

/** A first query to edit: the users and the addresses they called from, busiest first. */
export const EXAMPLE_QUERY = `MATCH (p:${Label.IamUser})-[r:${Rel.CALLED_FROM}]->(ip:${Label.IpAddress})\nRETURN p, r.count AS calls, ip\nORDER BY calls DESC LIMIT 25`;

type Run = { status: 'idle' } | { status: 'running' } | { status: 'done'; result: ConsoleResult } | { status: 'error'; error: ApiError | Error };

/**
 * The read-only Cypher console: for what the other views do not ask. The query lives in the URL
 * (a link shares it) but runs only when asked: a link never runs a query by itself. Nodes of
 * Trailhound's kinds are chips that open their investigation; every value is shown as text.
 */
export function ConsoleView({ query, dark, onQuery, onOpen }: { query: string; dark: boolean; onQuery: (query: string) => void; onOpen: (id: string) => void }) {
  const [draft, setDraft] = useState(query);
  // A query opened from elsewhere (a case's saved query, Back) replaces the draft; a run sets the
  // query to the draft, which changes nothing here.
  useEffect(() => setDraft(query), [query]);
  const [run, setRun] = useState<Run>({ status: 'idle' });
  const controller = useRef<AbortController | null>(null);

  const execute = async () => {
    controller.current?.abort();
    const abort = (controller.current = new AbortController());
    onQuery(draft);
    setRun({ status: 'running' });
    try {
      const result = await api.cypher(draft, abort.signal);
      if (!abort.signal.aborted) setRun({ status: 'done', result });
    } catch (error) {
      if (!abort.signal.aborted) setRun({ status: 'error', error: error as Error });
    }
  };

  return (
    <main className="console">
      <h1>Cypher console</h1>
      <p className="muted">
        Read only: writes, LOAD CSV, procedures other than the schema&apos;s, USE and SHOW are refused, and every query runs in a read transaction with a 10-second timeout. Ctrl+Enter runs.
      </p>
      <textarea
        aria-label="Cypher query"
        className="console-query"
        spellCheck={false}
        rows={6}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void execute();
          }
          // The page's own keys (/ search, E expand...) are not for the editor.
          e.stopPropagation();
        }}
      />
      <div className="console-actions">
        <button type="button" onClick={() => void execute()} disabled={draft.trim() === '' || run.status === 'running'}>
          {run.status === 'running' ? 'Running…' : 'Run'}
        </button>
      </div>
      {run.status === 'error' ? <Refusal error={run.error} /> : null}
      {run.status === 'done' ? <Result result={run.result} onOpen={onOpen} /> : null}
      {run.status === 'done' && run.result.graph.nodes.length > 0 ? <ResultGraph result={run.result} dark={dark} onOpen={onOpen} /> : null}
    </main>
  );
}

function Refusal({ error }: { error: ApiError | Error }) {
  if (error instanceof ApiError && (error.code === 'QUERY_REFUSED' || error.code === 'BAD_QUERY' || error.code === 'QUERY_TIMEOUT')) {
    return (
      <div className="state state-error" role="alert" data-code={error.code}>
        <strong>{error.code === 'QUERY_REFUSED' ? 'Refused.' : error.code === 'QUERY_TIMEOUT' ? 'Stopped: it ran too long.' : 'Neo4j could not run it.'}</strong> <Shown text={error.message} />
        {error.hint ? (
          <div className="hint">
            → <Shown text={error.hint} />
          </div>
        ) : null}
      </div>
    );
  }
  return <Failure error={error} what="the query's answer" />;
}

function Result({ result, onOpen }: { result: ConsoleResult; onOpen: (id: string) => void }) {
  const nodes = new Map(result.graph.nodes.map((n) => [n.id, n]));
  const relationships = new Map(result.graph.relationships.map((r) => [r.id, r]));
  const cell = (value: unknown): React.ReactNode => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as { node?: string; relationship?: string; path?: string[] };
      if (typeof v.node === 'string' && Object.keys(v).length === 1) return <NodeChip node={nodes.get(v.node)} id={v.node} onOpen={onOpen} />;
      if (typeof v.relationship === 'string' && Object.keys(v).length === 1) {
        const r = relationships.get(v.relationship);
        return <span className="console-rel">[:{r ? <Shown text={r.type} /> : 'relationship'}]</span>;
      }
      if (Array.isArray(v.path) && Object.keys(v).length === 1) return <span className="console-path">{v.path.map((id, i) => (i % 2 === 0 ? <NodeChip key={i} node={nodes.get(id)} id={id} onOpen={onOpen} /> : <span key={i}> → </span>))}</span>;
    }
    if (Array.isArray(value) && value.every((x) => x !== null && typeof x === 'object' && 'node' in (x as object))) return <>{value.map((x, i) => <span key={i}>{cell(x)} </span>)}</>;
    return <Shown text={typeof value === 'string' ? value : JSON.stringify(value)} />;
  };
  return (
    <section aria-label="Query result">
      <p className="count">
        {result.rows.length.toLocaleString('en-US')} {result.rows.length === 1 ? 'row' : 'rows'} in {result.elapsedMs.toLocaleString('en-US')} ms
        {result.truncated ? <strong className="console-truncated"> · only the first {result.rowCap.toLocaleString('en-US')}: the query has more rows (add LIMIT or narrow it)</strong> : null}
      </p>
      {result.rows.length === 0 ? null : (
        <div className="table-scroll">
          <table className="console-table">
            <thead>
              <tr>
                {result.columns.map((c) => (
                  <th key={c} scope="col">
                    <Shown text={c} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((value, j) => (
                    <td key={j}>{cell(value)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NodeChip({ node, id, onOpen }: { node: ConsoleResult['graph']['nodes'][number] | undefined; id: string; onOpen: (id: string) => void }) {
  if (!node) return <span className="chip">node {id}</span>;
  const label = node.entity ? node.entity.slice(node.entity.indexOf(':') + 1) : JSON.stringify(node.properties);
  const kind = node.labels.find((l) => node.entity?.startsWith(`${l}:`)) ?? node.labels[0] ?? 'node';
  if (!node.entity) {
    return (
      <span className="chip" title={node.labels.join(', ')}>
        <Shown text={`${node.labels.join(':')} ${label}`} />
      </span>
    );
  }
  const entity = node.entity;
  return (
    <button type="button" className="chip" data-entity={entity} style={{ borderColor: lookOf(kind).colour }} title={`Investigate ${kind}`} onClick={() => onOpen(entity)}>
      <Shown text={`${kind} ${label}`} />
    </button>
  );
}

/**
 * The nodes and relationships of the answer, drawn: a Trailhound entity by its id (kind:key),
 * so that a double-click opens its investigation; any other node by Neo4j's element id.
 */
function ResultGraph({ result, dark, onOpen }: { result: ConsoleResult; dark: boolean; onOpen: (id: string) => void }) {
  const idOf = new Map(result.graph.nodes.map((n) => [n.id, n.entity ?? `node:${n.id}`]));
  const nodes: ApiNode[] = result.graph.nodes.map((n) => {
    const id = idOf.get(n.id)!;
    const kind = n.entity ? n.entity.slice(0, n.entity.indexOf(':')) : (n.labels[0] ?? 'node');
    const key = n.entity ? n.entity.slice(n.entity.indexOf(':') + 1) : n.id;
    const p = n.properties;
    const name = [p.userName, p.roleName, p.sessionName, p.name, p.bucketName, p.ip, p.title].find((v) => typeof v === 'string' && v !== '') as string | undefined;
    return { id, kind, key, label: name ?? key, properties: p };
  });
  const edges: ApiEdge[] = result.graph.relationships.flatMap((r) => {
    const source = idOf.get(r.source);
    const target = idOf.get(r.target);
    return source && target ? [{ id: `rel:${r.id}`, kind: r.type, source, target, properties: r.properties, ...(typeof r.properties.count === 'number' ? { count: r.properties.count } : {}) }] : [];
  });
  return (
    <section aria-label="Query graph" className="console-graph">
      <p className="count">
        {nodes.length.toLocaleString('en-US')} nodes and {edges.length.toLocaleString('en-US')} relationships in the answer{result.graph.truncated ? ' (only the first 1,000 are drawn)' : ''}. Double-click an entity to investigate it.
      </p>
      <div className="console-canvas">
        <GraphCanvas
          elements={toElements({ nodes, edges })}
          root={null}
          layout="fcose"
          selected={[]}
          pinned={[]}
          highlighted={[]}
          dark={dark}
          onSelect={() => undefined}
          onExpand={(id) => {
            if (!id.startsWith('node:')) onOpen(id);
          }}
          onEdge={() => undefined}
        />
      </div>
    </section>
  );
}
