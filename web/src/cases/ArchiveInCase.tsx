import { useState } from 'react';
import { api } from '../api/client';
import { Shown } from '../components/Shown';
import { useApi } from '../state/useApi';
import { useCase } from './caseContext';

/**
 * Archive a finding, or bring it back, with the reason, in the case's log (Detective's archive,
 * with memory). Shows the decision that stands, whichever case took it.
 */
export function ArchiveInCase({ findingId, archived: byGuardDuty }: { findingId: string; archived: boolean }) {
  const work = useCase();
  const detail = useApi(`${findingId}:${work.file?.logEntries ?? 0}`, (signal) => api.finding(findingId, signal));
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const triage = detail.status === 'ready' ? detail.data.triage : null;
  const archived = triage ? triage.archived : byGuardDuty;
  return (
    <div className="archive-in-case">
      {triage ? (
        <p className="muted" data-triage={triage.archived ? 'archived' : 'unarchived'}>
          {triage.archived ? 'Archived' : 'Unarchived'} by <Shown text={triage.by} /> in {triage.caseId}: <Shown text={triage.reason} />
        </p>
      ) : archived ? (
        <p className="muted">Archived in GuardDuty.</p>
      ) : null}
      {!work.caseId ? null : asking ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) return;
            void work.change(() => api.cases.archiveFinding(work.caseId!, findingId, !archived, reason.trim())).then(() => {
              setAsking(false);
              setReason('');
            });
          }}
        >
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={archived ? 'Why it matters again' : 'Why it is not a threat'} aria-label="Reason" maxLength={1000} autoFocus />
          <button type="submit" disabled={!reason.trim()}>
            {archived ? 'Unarchive' : 'Archive'}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setAsking(true)} title="Kept in the case's log with your reason">
          {archived ? 'Unarchive in case…' : 'Archive in case…'}
        </button>
      )}
    </div>
  );
}
