import { useCallback, useState } from 'react';
import { configApi, type ConfigInfo, type ConfigRef, type HistoryItem } from '../api/config-api.js';
import { ConfigHeader } from '../components/config-tabs.js';
import { FormDialog } from '../components/dialog.js';
import { DiffView } from '../components/diff-view.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { formatDateTime } from '../logic/format.js';
import { lineDiff } from '../logic/line-diff.js';
import { configPath, type Route } from '../logic/routes.js';

const PAGE_SIZE = 20;
const OP_LABEL: Record<string, string> = { I: 'created', U: 'updated', D: 'deleted' };

/** A config's history, newest first; a chosen version is compared with the current one and can be rolled back to. */
export function ConfigHistoryPage({ route }: { route: Extract<Route, { page: 'config-history' }> }) {
  const { namespace, group, dataId, nid } = route;
  const cref: ConfigRef = { namespace, group, dataId };
  const [pageNo, setPageNo] = useState(1);
  const key = `${namespace} ${group} ${dataId}`;
  const fetchHistory = useCallback((signal: AbortSignal) => configApi.history({ namespace, group, dataId }, pageNo, PAGE_SIZE, signal), [namespace, group, dataId, pageNo]);
  const fetchCurrent = useCallback((signal: AbortSignal) => configApi.get({ namespace, group, dataId }, signal), [namespace, group, dataId]);
  const history = usePoll(`history ${key} ${pageNo}`, fetchHistory, 5000);
  const current = usePoll(`current ${key}`, fetchCurrent, 5000);
  const now = useNow(5000);
  const pages = history.data ? Math.max(1, history.data.pagesAvailable) : 1;

  return (
    <section>
      <ConfigHeader cref={cref} current="config-history" />
      {history.error && <ErrorBox error={history.error} stale={!!history.data} />}
      {history.loading && <Loading what="the history" />}
      {history.data && history.data.pageItems.length === 0 && <Empty>No history for this config.</Empty>}
      {history.data && history.data.pageItems.length > 0 && (
        <div className="table-wrap">
          <table className="history">
            <thead>
              <tr>
                <th className="num">Version</th>
                <th>Change</th>
                <th>Time</th>
                <th>By</th>
                <th>MD5</th>
                <th>
                  <span className="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {history.data.pageItems.map((h) => (
                <tr key={h.id} data-history={h.id} className={String(nid) === h.id ? 'current' : ''}>
                  <td className="num">#{h.id}</td>
                  <td>{OP_LABEL[h.opType] ?? h.opType}</td>
                  <td>{formatDateTime(Date.parse(h.createdTime), now)}</td>
                  <td>
                    {h.srcUser ? `${h.srcUser} from ` : ''}
                    {h.srcIp}
                  </td>
                  <td>
                    <code>{h.md5.slice(0, 8)}</code>
                    {current.data && current.data.md5 === h.md5 && h.opType !== 'D' && <span className="badge healthy">current content</span>}
                  </td>
                  <td className="row-actions">
                    <Link className="button" href={configPath(namespace, group, dataId, 'config-history', Number(h.id))} aria-label={`Compare version ${h.id} with the current one`}>
                      Compare
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {history.data && pages > 1 && (
        <nav className="pager" aria-label="Pages">
          {pageNo > 1 && (
            <button type="button" className="link" onClick={() => setPageNo(pageNo - 1)}>
              ← Newer
            </button>
          )}
          <span>
            Page {pageNo} of {pages} ({history.data.totalCount} versions)
          </span>
          {pageNo < pages && (
            <button type="button" className="link" onClick={() => setPageNo(pageNo + 1)}>
              Older →
            </button>
          )}
        </nav>
      )}
      {nid !== undefined && current.data !== undefined && <VersionComparison key={nid} cref={cref} nid={nid} current={current.data} />}
    </section>
  );
}

function VersionComparison({ cref, nid, current }: { cref: ConfigRef; nid: number; current: ConfigInfo | null }) {
  const fetcher = useCallback((signal: AbortSignal) => configApi.historyRecord(cref, nid, signal), [cref.namespace, cref.group, cref.dataId, nid]);
  const record = usePoll(`record ${cref.namespace} ${cref.group} ${cref.dataId} ${nid}`, fetcher, 60_000);
  const [confirming, setConfirming] = useState(false);
  const close = useCallback(() => setConfirming(false), []);
  if (record.error) return <ErrorBox error={record.error} />;
  if (!record.data) return <Loading what={`version #${nid}`} />;
  const r: HistoryItem = record.data;
  const same = current !== null && current.md5 === r.md5;
  return (
    <section className="comparison" aria-label={`Version ${nid} against the current version`}>
      <div className="page-head">
        <h2>
          Version #{nid} ({OP_LABEL[r.opType] ?? r.opType}
          {r.opType === 'D' ? ': the content before the delete' : ''}) against the current version
        </h2>
        <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={same} title={same ? 'This version holds the current content' : undefined}>
          Roll back to #{nid}
        </button>
      </div>
      {current === null && <p className="warning">The config does not exist now: rolling back publishes this version's content again.</p>}
      <DiffView diff={lineDiff(r.content, current?.content ?? '')} before={`version #${nid}`} after={current ? 'the current version' : 'nothing (deleted)'} />
      {confirming && (
        <FormDialog
          title={`Roll back to version #${nid}?`}
          submitLabel="Roll back"
          onClose={close}
          onSubmit={async () => {
            await configApi.rollback(cref, nid);
            navigate(configPath(cref.namespace, cref.group, cref.dataId));
          }}>
          <p>Publishes the content of version #{nid} as a new version. Listening clients receive it as with any publish; the history keeps every version.</p>
          <DiffView diff={lineDiff(current?.content ?? '', r.content)} before={current ? 'the current version' : 'nothing'} after={`version #${nid}`} />
        </FormDialog>
      )}
    </section>
  );
}
