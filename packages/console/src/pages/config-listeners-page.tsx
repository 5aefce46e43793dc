import { useCallback } from 'react';
import { configApi, type ConfigRef, type ListenerClient } from '../api/config-api.js';
import { ConfigHeader } from '../components/config-tabs.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { formatAge } from '../logic/format.js';
import type { Route } from '../logic/routes.js';

/** The clients listening to a config and whether each holds the version it should (the server's diagnosis). */
export function ConfigListenersPage({ route }: { route: Extract<Route, { page: 'config-listeners' }> }) {
  const { namespace, group, dataId } = route;
  const cref: ConfigRef = { namespace, group, dataId };
  const fetcher = useCallback((signal: AbortSignal) => configApi.diagnosis({ namespace, group, dataId }, signal), [namespace, group, dataId]);
  const diagnosis = usePoll(`config diagnosis ${namespace} ${group} ${dataId}`, fetcher, 2000);
  const now = useNow();
  const d = diagnosis.data;
  const stale = d?.clients.filter((c) => !c.current).length ?? 0;

  return (
    <section>
      <ConfigHeader cref={cref} current="config-listeners" />
      {diagnosis.error && <ErrorBox error={diagnosis.error} stale={!!d} />}
      {diagnosis.loading && <Loading what="the listeners" />}
      {d && (
        <div className={`diagnosis ${stale > 0 ? 'svc-degraded' : ''}`} data-testid="config-diagnosis">
          <p>{d.sentence}</p>
        </div>
      )}
      {d && d.clients.length === 0 && <Empty>No client listens to this config now.</Empty>}
      {d && d.clients.length > 0 && (
        <div className="table-wrap">
          <table className="listeners">
            <thead>
              <tr>
                <th>Client</th>
                <th>State</th>
                <th>Holds MD5</th>
                <th>Should hold</th>
                <th>Version</th>
                <th>Last poll</th>
                <th>Agent</th>
              </tr>
            </thead>
            <tbody>
              {d.clients.map((c) => (
                <tr key={c.ip} data-listener={c.ip} className={c.current ? 'inst-healthy' : 'inst-unhealthy'} title={c.sentence}>
                  <td>{c.ip}</td>
                  <td>
                    <ListenerBadge c={c} />
                  </td>
                  <td>
                    <code>{c.md5 || '—'}</code>
                  </td>
                  <td>
                    <code>{c.expectedMd5}</code>
                  </td>
                  <td>{c.gray ?? 'main'}</td>
                  <td>{c.lastPollAt ? formatAge(c.lastPollAt, now) : '—'}</td>
                  <td className="meta">{c.agent || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ListenerBadge({ c }: { c: ListenerClient }) {
  if (!c.listening) return <span className="badge offline">not listening</span>;
  return c.current ? <span className="badge healthy">up to date</span> : <span className="badge unhealthy">stale</span>;
}
