import { useCallback } from 'react';
import { namingApi, type ServiceRef } from '../api/naming-api.js';
import { BeatGapChart } from '../components/beat-gap-chart.js';
import { EventList } from '../components/event-list.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { gapPoints, journalTimings } from '../logic/beat-chart.js';
import { serviceHealth } from '../logic/instance-state.js';
import { serviceSentence } from '../logic/service-sentence.js';
import { servicePath, servicesPath, type Route } from '../logic/routes.js';

const EVENTS = 200;

/** A service's journal: a one-sentence state on top, the beat gaps of all its instances, then the events. */
export function ServiceTimelinePage({ route }: { route: Extract<Route, { page: 'service-timeline' }> }) {
  const ref: ServiceRef = { namespace: route.namespace, group: route.group, name: route.name };
  const fetcher = useCallback(
    async (signal: AbortSignal) => {
      const [list, events] = await Promise.all([namingApi.services(ref.namespace, { name: ref.name, group: ref.group, pageNo: 1, pageSize: 100 }, signal), namingApi.events(ref, EVENTS, signal)]);
      // The list matches by substring; the headline is about this exact service.
      const summary = list.serviceList.find((s) => s.name === ref.name && s.groupName === ref.group);
      return { summary, events };
    },
    [ref.namespace, ref.group, ref.name],
  );
  const view = usePoll(`service-timeline ${ref.namespace} ${ref.group} ${ref.name}`, fetcher);
  const now = useNow();
  const events = view.data?.events.events ?? [];
  const timings = journalTimings(events);

  return (
    <section>
      <p className="crumbs">
        <Link href={servicesPath(ref.namespace)}>Services</Link> / <Link href={servicePath(ref.namespace, ref.group, ref.name)}>{ref.name}</Link>
      </p>
      <h1>
        {ref.name} <span className="muted">timeline</span>
      </h1>
      {view.error && <ErrorBox error={view.error} stale={!!view.data} />}
      {view.loading && <Loading what="the timeline" />}
      {view.data && (
        <>
          <div className={`diagnosis svc-${view.data.summary ? serviceHealth(view.data.summary) : 'unknown'}`} role="status" aria-live="polite">
            <p data-testid="diagnosis">{serviceSentence(view.data.summary, events)}</p>
          </div>
          <h2>Beat gaps of its instances</h2>
          <BeatGapChart points={gapPoints(events)} now={now} intervalMs={timings.intervalMs ?? 5000} timeoutMs={timings.timeoutMs} />
          <h2>
            Events{' '}
            <span className="muted">
              ({view.data.events.total}
              {view.data.events.total > EVENTS ? `, newest ${EVENTS} shown` : ''})
            </span>
          </h2>
          {events.length === 0 ? <Empty>No events for this service in the journal window.</Empty> : <EventList events={events} now={now} showInstance />}
        </>
      )}
    </section>
  );
}
