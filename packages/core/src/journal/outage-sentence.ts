import type { Cause } from './causes.js';
import { connectionEnding, connectionName } from './connection-sentence.js';
import { byWhom, claimed, clockTime, measuredSeconds, seconds } from './format.js';
import type { JournalEvent } from './journal.js';
import { FLAPPING_OUTAGES, type Outage } from './outage-history.js';

/** What a clause may look at besides its own event. */
interface Context {
  outage: Outage;
  /** The instance's address: a request from it came from the instance's own client (as did its beats). */
  ip: string;
  /** The instance's events, newest first: the probe failures that led to a flip. */
  events: readonly JournalEvent[];
}

type Clause = (e: JournalEvent, c: Context) => string;

// How it left traffic: one entry per cause; a cause without one still reads (see `fell`).
const FELL: Partial<Record<Cause, Clause>> = {
  BEAT_MISSED: (e, c) => `it turned unhealthy at ${clockTime(e.at)} after ${seconds(Number(e.evidence.timeoutMs))} without a heartbeat (${silence(e, c)})`,
  INSTANCE_EXPIRED: (e, c) => `it was removed at ${clockTime(e.at)} after ${seconds(Number(e.evidence.deleteTimeoutMs))} without a heartbeat (${silence(e, c)})`,
  INSTANCE_DEREGISTERED: (e, c) =>
    isClient(e.evidence.from, c) || e.evidence.from === origin(c.outage.end)
      ? `its client deregistered it at ${clockTime(e.at)} (${e.evidence.via} from ${e.evidence.from}: a clean shutdown or restart)`
      : `it was deleted at ${clockTime(e.at)} by ${e.evidence.via} from ${e.evidence.from}${claimed(e)}`,
  PROBE_FAILED: (e, c) => {
    const count = Number(e.evidence.consecutive);
    return `it turned unhealthy at ${clockTime(e.at)} after ${count} ${e.evidence.probe} probe${count === 1 ? '' : 's'} to ${e.evidence.target} failed with ${probeErrors(e, c)}`;
  },
  HEALTH_MARKED: (e) => `it was marked unhealthy by hand at ${clockTime(e.at)} ${byWhom(e)}`,
  CONNECTION_INSTANCE_REMOVED: (e) =>
    `it was removed at ${clockTime(e.at)} when connection ${connectionName(String(e.evidence.connectionId), e.evidence.agent as string | null, e.evidence.appName as string | null)} ended (${connectionEnding(e)})`,
};

// How it came back, after "and".
const BACK: Partial<Record<Cause, Clause>> = {
  BEAT_RESUMED: () => 'its beats resumed',
  INSTANCE_REGISTERED: (e, c) => registeredAgain(e, c),
  INSTANCE_REREGISTERED: (e, c) => registeredAgain(e, c),
  INSTANCE_RECREATED_FROM_BEAT: (e, c) => {
    const removal = c.outage.removal;
    return `a heartbeat from ${isClient(e.evidence.by, c) ? 'its still-running client' : e.evidence.by} re-created it${removal ? ` ${measuredSeconds(e.at - removal.at)} later` : ''}`;
  },
  PROBE_RECOVERED: (e) => `${e.evidence.consecutive} ${e.evidence.probe} probes in a row passed again`,
  HEALTH_MARKED: (e) => `it was marked healthy again ${byWhom(e)}`,
};

// A removal whose evidence already tells the fall before it: an expiry quotes the silence that made it unhealthy.
const TELLS_START: Partial<Record<Cause, Cause>> = { INSTANCE_EXPIRED: 'BEAT_MISSED' };

/**
 * The first sentence for an instance that is healthy again after an outage: since when, how it left traffic and
 * how it came back, and whether it is flapping (`FLAPPING_OUTAGES` or more outages in the last hour).
 *
 * @example
 *   explainRecovery(outage, 1, { ip: '10.0.0.7', events })
 *   // 'Healthy again since 10:00:17; it was removed at 10:00:16 after 6 s without a heartbeat (…) and its client registered it again.'
 */
export function explainRecovery(outage: Outage, outagesLastHour: number, where: { ip: string; events: readonly JournalEvent[] }): string {
  const end = outage.end!;
  const c: Context = { outage, ...where };
  const { start, removal } = outage;
  const left = !removal || removal === start || TELLS_START[removal.cause] === start.cause ? fell(removal ?? start, c) : `${fell(start, c)}, then ${fell(removal, c)}`;
  const back = BACK[end.cause]?.(end, c) ?? `${end.cause} at ${clockTime(end.at)} made it healthy`;
  const lead = outagesLastHour >= FLAPPING_OUTAGES ? `Healthy again since ${clockTime(end.at)}, but flapping: ${outagesLastHour} outages in the last hour; in the last one` : `Healthy again since ${clockTime(end.at)};`;
  // Deleting an instance whose client still beats only takes it out until the next beat.
  const advice = removal?.cause === 'INSTANCE_DEREGISTERED' && end.cause === 'INSTANCE_RECREATED_FROM_BEAT' ? ' To keep it out of traffic, take it offline (enabled=false) instead of deleting it.' : '';
  return `${lead} ${left} and ${sameSubjectOnce(left, back)}.${advice}`;
}

// "its client deregistered it … and registered it again", not "… and its client registered it again".
const SUBJECTS = ['its client ', 'it was '];

function sameSubjectOnce(left: string, back: string): string {
  const nearest = left.split(', then ').at(-1)!;
  const subject = SUBJECTS.find((s) => nearest.startsWith(s) && back.startsWith(s));
  return subject ? back.slice(subject.length) : back;
}

function fell(e: JournalEvent, c: Context): string {
  return FELL[e.cause]?.(e, c) ?? `it left traffic at ${clockTime(e.at)} (${e.cause})`;
}

/** How long the server heard nothing from the client, up to its return, and where the last beat came from. */
function silence(e: JournalEvent, c: Context): string {
  const silentMs = (c.outage.end?.at ?? e.at) - Number(e.evidence.lastBeatAt);
  return Number(e.evidence.beats) > 0
    ? `its beats stopped for ${measuredSeconds(silentMs)}; the last came from ${e.evidence.lastBeatFrom}`
    : `it never beat after registering from ${e.evidence.lastBeatFrom}; silent for ${measuredSeconds(silentMs)}`;
}

function registeredAgain(e: JournalEvent, c: Context): string {
  const deregisteredFrom = c.outage.removal?.cause === 'INSTANCE_DEREGISTERED' ? c.outage.removal.evidence.from : undefined;
  return isClient(e.evidence.by, c) || e.evidence.by === deregisteredFrom ? 'its client registered it again' : `it was registered again from ${e.evidence.by}`;
}

/** Whether a request came from the instance's client: its own address, or where its beats came from. */
function isClient(address: unknown, c: Context): boolean {
  const { start, removal } = c.outage;
  return address === c.ip || address === start.evidence.lastBeatFrom || address === removal?.evidence.lastBeatFrom;
}

/** The distinct errors of the failures that led to a flip: every failure of a healthy instance is journaled. */
function probeErrors(flip: JournalEvent, c: Context): string {
  const count = Math.max(1, Number(flip.evidence.consecutive) || 1);
  const failures = c.events.filter((e) => e.cause === 'PROBE_FAILED' && e.seq <= flip.seq).slice(0, count);
  return [...new Set(failures.reverse().map((f) => String(f.evidence.error ?? 'an error')))].join(', ');
}

function origin(e: JournalEvent | null): unknown {
  return e ? (e.evidence.by ?? e.evidence.from) : undefined;
}
