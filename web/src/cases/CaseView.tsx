import { api, downloadExport } from '../api/client';
import { Shown } from '../components/Shown';
import { Failure, Loading } from '../components/States';
import { useApi } from '../state/useApi';
import { useCase } from './caseContext';
import { Markdown } from './Markdown';

/**
 * The case page: the report as the rest of the response will read it (the same Markdown that
 * `trailhound case export` writes, rendered), the downloads, and the case's log.
 */
export function CaseView({ onBack }: { onBack: () => void }) {
  const work = useCase();
  const caseId = work.caseId!;
  // The report is built again whenever the case changes (its log grows with every change).
  const key = `${caseId}:${work.file?.logEntries ?? 0}`;
  const report = useApi(key, (signal) => api.cases.reportMarkdown(caseId, signal));
  const log = useApi(key, (signal) => api.cases.log(caseId, signal));
  return (
    <main className="case-page">
      <div className="toolbar">
        <button type="button" onClick={onBack}>
          ← Back to the investigation
        </button>
        <span className="exports">
          Download:{' '}
          {(['md', 'json'] as const).map((format) => (
            <a key={format} href={api.cases.reportUrl(caseId, format)} download={`${caseId}.${format}`} onClick={(e) => void downloadExport(e.currentTarget.href, e)}>
              {format === 'md' ? 'Markdown' : 'JSON'}
            </a>
          ))}
        </span>
        <span className="muted">
          Or from a terminal: <code>npx trailhound case export {caseId} --format md</code>
        </span>
      </div>
      <div className="case-page-body">
        <article className="case-report" aria-label="Case report">
          {report.status === 'loading' ? <Loading what="the report" /> : report.status === 'error' ? <Failure error={report.error} what="the report" /> : <Markdown text={report.data} />}
        </article>
        <section className="case-log" aria-label="Case log">
          <h3>Log{log.status === 'ready' ? ` (${log.data.total.toLocaleString('en-US')} changes${log.data.total > log.data.entries.length ? `, the latest ${log.data.entries.length} shown` : ''})` : ''}</h3>
          {log.status === 'ready' ? (
            <ol>
              {log.data.entries.map((e) => (
                  <li key={e.seq} data-seq={e.seq} title={JSON.stringify(e.detail, null, 1)}>
                    <span className="mono">{e.at.slice(0, 19).replace('T', ' ')}</span> <strong><Shown text={e.author} /></strong> {e.action} <span className="mono muted"><Shown text={e.target.length > 60 ? `${e.target.slice(0, 60)}…` : e.target} /></span>
                  </li>
                ))}
            </ol>
          ) : log.status === 'error' ? (
            <Failure error={log.error} what="the log" />
          ) : (
            <Loading what="the log" />
          )}
        </section>
      </div>
    </main>
  );
}
