import type { JournalEventJson } from '@cairn/api';
import { CAUSES, invalidParam, type Diagnosis, type JournalEvent } from '@cairn/core';
import type { Params } from '../params.js';

/** A journal event on the wire: its fields, the time as ISO-8601 and the cause's meaning. */
export type EventView = JournalEventJson;

/** A journal event as the API shows it: the stored fields plus an ISO time and the cause's plain text. */
export function eventView(e: JournalEvent): EventView {
  const { seq, at, cause, ...rest } = e;
  return { seq, at, time: iso(at), cause, description: CAUSES[cause], ...rest };
}

/** The diagnosis with ISO strings beside every epoch-ms field, and events in their API form. */
export function diagnosisView(d: Diagnosis, now: number): unknown {
  const { namespace, group, service, ip, port, state, explanation, instance, lastTransition, lastOutage, outagesLastHour, seenElsewhere, events, ...rest } = d;
  // The answer first (state, explanation), the evidence after.
  return {
    namespace,
    group,
    service,
    ip,
    port,
    state,
    explanation,
    checkedAt: now,
    checkedTime: iso(now),
    ...rest,
    instance: instance && { ...instance, registeredTime: iso(instance.registeredAt), lastBeatTime: iso(instance.lastBeatAt) },
    lastTransition: lastTransition && eventView(lastTransition),
    lastOutage: lastOutage && {
      ...lastOutage,
      startedTime: iso(lastOutage.startedAt),
      endedTime: isoOrNull(lastOutage.endedAt),
      removedTime: isoOrNull(lastOutage.removedAt),
    },
    outagesLastHour,
    seenElsewhere: seenElsewhere.map((s) => ({ ...s, time: iso(s.at) })),
    events: events.map(eventView),
  };
}

// ISO-8601 date, optionally with a time and a zone; a time without a zone is read as UTC.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A point in time given as epoch milliseconds or ISO-8601 (`2024-05-01`, `2024-05-01T10:00:00Z`,
 * `2024-05-01T12:00:00+02:00`); undefined when absent, a 400 naming the field when unparsable.
 */
export function timeParam(p: Params, name: string): number | undefined {
  const raw = p.str(name);
  if (raw === undefined) return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  // An unencoded `+` in a query string arrives as a space: `…T10:00:00 02:00` meant `+02:00`.
  const text = raw.replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = ISO_8601.exec(text);
  const at = m ? Date.parse(toUtcIfZoneless(text, m)) : NaN;
  if (Number.isNaN(at)) {
    throw invalidParam(name, `Param '${name}' must be epoch milliseconds or an ISO-8601 time such as 2024-05-01T10:00:00Z, got '${clip(raw)}'.`);
  }
  return at;
}

function toUtcIfZoneless(text: string, m: RegExpExecArray): string {
  const normalized = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return m[4] !== undefined && m[7] === undefined ? `${normalized}Z` : normalized;
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

function isoOrNull(at: number | null): string | null {
  return at === null ? null : iso(at);
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
