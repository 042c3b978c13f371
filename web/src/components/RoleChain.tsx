import type { ApiEdge, ApiNode } from '../api/types';
import { lookOf } from '../graph/kinds';
import { sessionTree, type ChainBranch } from '../graph/sessionTree';
import type { GraphMode } from '../state/urlState';
import { KindIcon } from './KindIcon';
import { Shown, shownText } from './Shown';

interface Props {
  readonly entity: ApiNode;
  readonly sessions: { readonly total: number; readonly nodes: readonly ApiNode[]; readonly edges: readonly ApiEdge[] };
  readonly onInvestigate: (id: string, mode?: GraphMode) => void;
  readonly onTimeline: (id: string) => void;
}

/**
 * "Sessions and role chain": who started this entity, and the sessions it started, as a tree
 * (a session started from a session sits under it), each one click from its calls.
 */
export function RoleChain({ entity, sessions, onInvestigate, onTimeline }: Props) {
  const tree = sessionTree(entity.id, sessions.nodes, sessions.edges);
  if (!tree.startedBy.length && !tree.sessions.length) return null;
  return (
    <section className="role-chain" aria-label="Sessions and role chain">
      <h3>Sessions and role chain</h3>
      <button type="button" className="link" onClick={() => onInvestigate(entity.id, 'chain')} title="Draw who started it and every session it started, as a chain">
        Show as a graph
      </button>
      {tree.startedBy.length ? <div className="muted">Started by</div> : null}
      {tree.startedBy.length ? (
        <ol className="started-by" aria-label="Started by">
          {tree.startedBy.map((node) => (
            <li key={node.id}>
              <Entry node={node} startedAt={null} onInvestigate={onInvestigate} onTimeline={onTimeline} />
            </li>
          ))}
          <li className="this">
            <KindIcon kind={entity.kind} /> <Shown text={entity.label} /> <span className="muted">(this)</span>
          </li>
        </ol>
      ) : null}
      <div className="muted">
        Started {sessions.total.toLocaleString('en-US')} session{sessions.total === 1 ? '' : 's'}
        {sessions.total > tree.sessions.length ? ` (${tree.sessions.length} most recent shown, with the sessions they started)` : ''}
      </div>
      {tree.sessions.length ? <Branches branches={tree.sessions} onInvestigate={onInvestigate} onTimeline={onTimeline} /> : null}
    </section>
  );
}

function Branches({ branches, onInvestigate, onTimeline }: { branches: readonly ChainBranch[] } & Pick<Props, 'onInvestigate' | 'onTimeline'>) {
  return (
    <ul className="chain-tree">
      {branches.map((b) => (
        <li key={b.node.id} data-entity={b.node.id}>
          <Entry node={b.node} startedAt={b.startedAt} onInvestigate={onInvestigate} onTimeline={onTimeline} />
          {b.children.length ? <Branches branches={b.children} onInvestigate={onInvestigate} onTimeline={onTimeline} /> : null}
        </li>
      ))}
    </ul>
  );
}

function Entry({ node, startedAt, onInvestigate, onTimeline }: { node: ApiNode; startedAt: string | null } & Pick<Props, 'onInvestigate' | 'onTimeline'>) {
  return (
    <>
      <button type="button" className="link" title={`${shownText(node.id)}\n(centre the graph here)`} onClick={() => onInvestigate(node.id)}>
        <KindIcon kind={node.kind} />
        <Shown text={node.label} />
      </button>
      {startedAt ? <span className="muted mono"> {startedAt.slice(0, 16).replace('T', ' ')}</span> : null}
      <button type="button" className="link events" onClick={() => onTimeline(node.id)} title={`The calls of this ${lookOf(node.kind).title.toLowerCase()}`}>
        events
      </button>
    </>
  );
}
