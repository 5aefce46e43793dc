import type { JournalEvent } from '../api/naming-api.js';
import { formatDateTime } from '../logic/format.js';

/** Causes that lose health or remove the instance: drawn in the warning colour. */
const BAD = new Set(['BEAT_MISSED', 'INSTANCE_EXPIRED', 'PROBE_FAILED', 'REGISTRATION_REJECTED', 'SERVICE_CREATE_REJECTED', 'PROTECT_THRESHOLD_REACHED', 'BEAT_UNKNOWN_INSTANCE', 'INSTANCE_DEREGISTERED', 'CONNECTION_INSTANCE_REMOVED']);
const GOOD = new Set(['BEAT_RESUMED', 'PROBE_RECOVERED', 'INSTANCE_REGISTERED', 'INSTANCE_RECREATED_FROM_BEAT', 'PROTECT_THRESHOLD_CLEARED']);

function evidenceText(evidence: JournalEvent['evidence']): string {
  return Object.entries(evidence)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('  ');
}

/** The journal's events, newest first, each with its cause, plain meaning and evidence. */
export function EventList({ events, now, showInstance }: { events: JournalEvent[]; now: number; showInstance: boolean }) {
  return (
    <ol className="timeline" aria-label="Events, newest first">
      {events.map((e) => (
        <li key={e.seq} className={BAD.has(e.cause) ? 'bad' : GOOD.has(e.cause) ? 'good' : ''} data-cause={e.cause}>
          <div className="when">
            <time dateTime={e.time}>{formatDateTime(e.at, now)}</time>
          </div>
          <div className="what">
            <code className="cause">{e.cause}</code>
            {showInstance && e.ip !== undefined && (
              <span className="addr">
                {e.ip}:{e.port}
              </span>
            )}
            <span className="desc">{e.description}</span>
            {Object.keys(e.evidence).length > 0 && <div className="evidence">{evidenceText(e.evidence)}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}
