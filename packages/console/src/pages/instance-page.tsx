import { useCallback } from 'react';
import { namingApi, type ServiceRef } from '../api/naming-api.js';
import { BeatGapChart } from '../components/beat-gap-chart.js';
import { EventList } from '../components/event-list.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { gapPoints } from '../logic/beat-chart.js';
import { formatAge, formatDuration, formatWeight } from '../logic/format.js';
import { servicePath, servicesPath, type Route } from '../logic/routes.js';

const EVENTS = 200;

/** One instance: the diagnosis sentence first, then its beat gaps and every journaled event, newest first. */
export function InstancePage({ route }: { route: Extract<Route, { page: 'instance' }> }) {
  const ref: ServiceRef = { namespace: route.namespace, group: route.group, name: route.name };
  const { ip, port } = route;
  const fetcher = useCallback(
    async (signal: AbortSignal) => {
      const [diagnosis, events] = await Promise.all([namingApi.diagnosis(ref, ip, port, signal), namingApi.events({ ...ref, ip, port }, EVENTS, signal)]);
      return { diagnosis, events };
    },
    [ref.namespace, ref.group, ref.name, ip, port],
  );
  const view = usePoll(`instance ${ref.namespace} ${ref.group} ${ref.name} ${ip}:${port}`, fetcher);
  const now = useNow();
  const d = view.data?.diagnosis;
  const i = d?.instance;

  return (
    <section>
      <p className="crumbs">
        <Link href={servicesPath(ref.namespace)}>Services</Link> / <Link href={servicePath(ref.namespace, ref.group, ref.name)}>{ref.name}</Link>
      </p>
      <h1>
        {ip}:{port} <span className="muted">timeline</span>
      </h1>
      {view.error && <ErrorBox error={view.error} stale={!!view.data} />}
      {view.loading && <Loading what="the diagnosis" />}
      {d && (
        <div className={`diagnosis ${d.state}`} role="status" aria-live="polite">
          <span className={`badge ${d.state === 'disabled' ? 'offline' : d.state}`}>{d.state === 'disabled' ? 'offline' : d.state}</span>
          <p data-testid="diagnosis">{d.explanation}</p>
        </div>
      )}
      {i && (
        <dl className="facts">
          <div>
            <dt>Kind</dt>
            <dd>
              {i.ephemeral ? 'ephemeral' : 'persistent'}, cluster {i.clusterName}
            </dd>
          </div>
          <div>
            <dt>Weight</dt>
            <dd>{formatWeight(i.weight)}</dd>
          </div>
          <div>
            <dt>Registered</dt>
            <dd>{formatAge(i.registeredAt, now)}</dd>
          </div>
          {i.ephemeral && (
            <div>
              <dt>Last beat</dt>
              <dd>
                {formatAge(i.lastBeatAt, now)} from {i.lastSeenFrom}
                {i.lastSeenAgent ? ` (${i.lastSeenAgent})` : ''}
              </dd>
            </div>
          )}
          {d?.beats && (
            <div>
              <dt>Beats</dt>
              <dd>
                {d.beats.count} beats, mean gap {formatDuration(d.beats.meanGapMs)}, largest {formatDuration(d.beats.maxGapMs)}, {d.beats.lateBeats} late
              </dd>
            </div>
          )}
          {d?.probe && (
            <div>
              <dt>Probe</dt>
              <dd>
                {d.probe.type}
                {d.probe.target ? ` to ${d.probe.target}` : ''}
                {d.probe.last ? `: last ${d.probe.last.ok ? 'passed' : `failed (${d.probe.last.error ?? 'error'})`} ${formatAge(d.probe.last.at, now)}` : ''}
              </dd>
            </div>
          )}
        </dl>
      )}
      {view.data && (i?.ephemeral ?? true) && (
        <>
          <h2>Beat gaps</h2>
          <BeatGapChart points={gapPoints(view.data.events.events)} now={now} intervalMs={i?.instanceHeartBeatInterval ?? 5000} timeoutMs={i?.instanceHeartBeatTimeOut} maxGapMs={d?.beats?.maxGapMs} />
        </>
      )}
      {view.data && (
        <>
          <h2>
            Events{' '}
            <span className="muted">
              ({view.data.events.total}
              {view.data.events.total > EVENTS ? `, newest ${EVENTS} shown` : ''})
            </span>
          </h2>
          {view.data.events.events.length === 0 ? <Empty>No events for this address in the journal window.</Empty> : <EventList events={view.data.events.events} now={now} showInstance={false} />}
        </>
      )}
    </section>
  );
}
