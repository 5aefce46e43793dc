import { useCallback } from 'react';
import { connectionsApi, type ConnectionRow } from '../api/connections-api.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { countOf, formatAge } from '../logic/format.js';
import { servicePath } from '../logic/routes.js';

/** The open gRPC connections (Nacos 2.x clients), read-only: who they are, since when, what they hold and watch. */
export function ConnectionsPage() {
  const fetcher = useCallback((signal: AbortSignal) => connectionsApi.list(signal), []);
  const connections = usePoll('connections', fetcher, 2000);
  const now = useNow();
  const list = connections.data;
  return (
    <section>
      <h1>Connections</h1>
      <p className="meta">Nacos 2.x clients connected over gRPC. A connection holds the instances it registered: they leave when it ends.</p>
      {connections.error && <ErrorBox error={connections.error} stale={!!list} />}
      {connections.loading && <Loading what="the connections" />}
      {list && list.length === 0 && <Empty>No client is connected over gRPC.</Empty>}
      {list && list.length > 0 && (
        <>
          <p>{countOf(list.length, 'connection')}</p>
          <div className="table-wrap">
            <table className="connections">
              <thead>
                <tr>
                  <th>Client</th>
                  <th>Version</th>
                  <th>App</th>
                  <th>Module</th>
                  <th>Connected</th>
                  <th>Last active</th>
                  <th>Registers</th>
                  <th>Subscribes</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <ConnectionLine key={c.connectionId} c={c} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function ConnectionLine({ c, now }: { c: ConnectionRow; now: number }) {
  return (
    <tr data-connection={c.connectionId} title={c.connectionId}>
      <td>
        {c.ip}:{c.port}
        <div className="meta">
          <code>{c.connectionId}</code>
        </div>
      </td>
      <td className="meta">{c.clientVersion || '—'}</td>
      <td data-col="app">{c.appName || '—'}</td>
      <td>{c.module || '—'}</td>
      <td>{formatAge(c.connectedSince, now)}</td>
      <td data-col="active">{formatAge(c.lastActive, now)}</td>
      <td data-col="published">
        {c.published.length === 0
          ? '—'
          : c.published.map((p) => (
              <div key={`${p.namespace}/${p.group}/${p.serviceName}/${p.ip}:${p.port}`}>
                <Link href={servicePath(p.namespace, p.group, p.serviceName)}>{p.serviceName}</Link> {p.ip}:{p.port}
              </div>
            ))}
      </td>
      <td data-col="subscribed">
        {c.subscribed.length === 0
          ? '—'
          : c.subscribed.map((s) => (
              <div key={`${s.namespace}/${s.group}/${s.serviceName}/${s.clusters}`}>
                <Link href={servicePath(s.namespace, s.group, s.serviceName)}>{s.serviceName}</Link>
              </div>
            ))}
      </td>
    </tr>
  );
}
