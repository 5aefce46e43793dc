import { beatStatsOf, maxGapLastHourMs, meanGapMs } from '../naming/beat-stats.js';
import { toView } from '../naming/instance-view.js';
import type { InstanceView } from '../naming/model.js';
import type { ReadonlyInstance, ReadonlyService } from '../naming/readonly-model.js';
import type { ServiceRef } from '../naming/names.js';
import type { Registry } from '../naming/registry.js';
import type { Journal } from './journal.js';

/** What a diagnosis reads: the registry's read side and the journal, which the server keeps apart. */
export type DiagnosisSources = Pick<Registry, 'now' | 'findInstance' | 'lifecycle' | 'probeRule'> & Partial<Pick<Registry, 'probeTargets'>> & { readonly journal: Journal };

/** The sources of a diagnosis from the two parts a server wires. */
export function diagnosisSources(registry: Registry, journal: Journal): DiagnosisSources {
  return { now: () => registry.now(), findInstance: (ref, ip, port) => registry.findInstance(ref, ip, port), lifecycle: registry.lifecycle, probeRule: registry.probeRule, probeTargets: registry.probeTargets, journal };
}
import type { Cause } from './causes.js';
import { explainConnectionRemoval, heldClause, ignoredDeregistration } from './connection-sentence.js';
import { claimed, clockTime, measuredSeconds, seconds } from './format.js';
import type { JournalEvent } from './journal.js';
import { outageHistory, outagesWithin, summarizeOutage, type Outage, type OutageSummary } from './outage-history.js';
import { explainRecovery } from './outage-sentence.js';
import { explainPersistent, probeSummary, type ProbeSummary } from './persistent-diagnosis.js';

export type InstanceState = 'healthy' | 'unhealthy' | 'disabled' | 'absent' | 'unknown';

export interface Diagnosis {
  namespace: string;
  group: string;
  service: string;
  ip: string;
  port: number;
  state: InstanceState;
  /** One or two plain sentences: what happened last and the likely reason. */
  explanation: string;
  instance: (InstanceView & { registeredAt: number; lastBeatAt: number; lastSeenFrom: string; lastSeenAgent: string }) | null;
  beats: { count: number; lastGapMs: number; meanGapMs: number; maxGapMs: number; maxGapLastHourMs: number; lateBeats: number } | null;
  /** For a present persistent instance: its checker, target and the probes' latest results. */
  probe: ProbeSummary | null;
  lastTransition: JournalEvent | null;
  /** The latest outage in the journal window (out of traffic, then healthy again), or null. */
  lastOutage: OutageSummary | null;
  /** Outages that started within the last hour: 3 or more and the explanation calls the instance flapping. */
  outagesLastHour: number;
  /** The same address seen in other services or namespaces: a hint at a wrong client setting. */
  seenElsewhere: { namespace: string; group: string; service: string; at: number }[];
  events: JournalEvent[];
}

const TRANSITIONS = new Set<Cause>([
  'INSTANCE_REGISTERED',
  'INSTANCE_REREGISTERED',
  'INSTANCE_RECREATED_FROM_BEAT',
  'INSTANCE_DEREGISTERED',
  'BEAT_MISSED',
  'BEAT_RESUMED',
  'INSTANCE_EXPIRED',
  'CONNECTION_INSTANCE_REMOVED',
  'HEALTH_MARKED',
  'INSTANCE_EDITED',
  'REGISTRATION_REJECTED',
  'BEAT_UNKNOWN_INSTANCE',
  'PROBE_RECOVERED',
]);

// A probe failure is a transition only when it flipped health; the others are evidence.
function isTransition(e: JournalEvent): boolean {
  return TRANSITIONS.has(e.cause) || (e.cause === 'PROBE_FAILED' && e.evidence.flipped === true);
}

// Enough for a day of once-a-minute probe failures and the outages before them. A query walks the whole window
// whatever its page size, so a larger page costs only the copies.
const HISTORY_EVENTS = 5_000;

/** Answers "why is this instance (not) there?" from the live registry and the journal. */
export function diagnose(sources: DiagnosisSources, ref: ServiceRef, ip: string, port: number): Diagnosis {
  const now = sources.now();
  const found = sources.findInstance(ref, ip, port);
  const events = sources.journal.query({ namespace: ref.namespace, group: ref.group, service: ref.name, ip, port }, 1, HISTORY_EVENTS, now).events;
  const lastTransition = events.find(isTransition) ?? null;
  const outages = outageHistory([...events].reverse());
  const outage: Outage | null = outages.at(-1) ?? null;
  const outagesLastHour = outagesWithin(outages, now);
  const base = {
    namespace: ref.namespace,
    group: ref.group,
    service: ref.name,
    ip,
    port,
    lastTransition,
    lastOutage: outage && summarizeOutage(outage),
    outagesLastHour,
    events: events.slice(0, 20),
  };
  if (found) {
    const { service, instance } = found;
    const view = toView(service, instance);
    const state: InstanceState = !view.enabled ? 'disabled' : instance.healthy ? 'healthy' : 'unhealthy';
    return {
      ...base,
      state,
      seenElsewhere: [],
      instance: { ...view, registeredAt: instance.registeredAt, lastBeatAt: instance.lastBeatAt, lastSeenFrom: instance.lastSeenFrom, lastSeenAgent: instance.lastSeenAgent },
      beats: instance.ephemeral ? beatSummary(instance, now) : null,
      probe: instance.ephemeral ? null : probeSummary(sources, service, instance),
      explanation: explainPresent(sources, service, instance, view, events, now, recovery(instance, outage, outagesLastHour, events)),
    };
  }
  const seenElsewhere = lastTransition ? [] : elsewhere(sources, ref, ip, port, now);
  return {
    ...base,
    state: lastTransition ? 'absent' : 'unknown',
    instance: null,
    beats: null,
    probe: null,
    seenElsewhere,
    explanation: lastTransition ? `${explainAbsent(lastTransition, events)}${onNode(lastTransition)}` : explainNeverSeen(ref, ip, port, seenElsewhere),
  };
}

function beatSummary(instance: ReadonlyInstance, now: number): NonNullable<Diagnosis['beats']> {
  const b = beatStatsOf(instance);
  return { count: b.count, lastGapMs: b.lastGapMs, meanGapMs: Math.round(meanGapMs(b)), maxGapMs: b.maxGapMs, maxGapLastHourMs: maxGapLastHourMs(b, now), lateBeats: b.lateCount };
}

/** The leading sentence of an instance that is healthy again after an outage, if it is. */
function recovery(instance: ReadonlyInstance, outage: Outage | null, outagesLastHour: number, events: JournalEvent[]): string | undefined {
  return instance.healthy && outage?.end ? explainRecovery(outage, outagesLastHour, { ip: instance.ip, events }) : undefined;
}

function explainPresent(sources: DiagnosisSources, service: ReadonlyService, instance: ReadonlyInstance, view: InstanceView, events: JournalEvent[], now: number, recovered: string | undefined): string {
  const parts: string[] = [];
  if (!view.enabled) {
    const edit = events.find((e) => e.cause === 'INSTANCE_EDITED' && e.evidence.enabled === false);
    parts.push(
      edit
        ? `Taken offline by an operator at ${clockTime(edit.at)} (${edit.evidence.via} from ${edit.evidence.by}): consumers do not see it until it is enabled again.`
        : 'Registered with enabled=false: consumers do not see it until it is enabled.',
    );
  }
  if (!instance.ephemeral) {
    parts.push(explainPersistent(sources, service, instance, recovered));
    return parts.join(' ');
  }
  if (!instance.healthy) {
    const since = instance.unhealthySince ?? now;
    const removal = sources.lifecycle.expireInstances ? ` It will be removed at ${clockTime(instance.lastBeatAt + instance.timing.deleteTimeoutMs)} unless a beat arrives.` : '';
    const missed = events.find((e) => e.cause === 'BEAT_MISSED');
    if (missed && typeof missed.evidence.node === 'string' && missed === events.find(isTransition)) {
      // Cluster mode: another node owns it and decided; its own evidence came with the change.
      const e = missed.evidence;
      const ownerRemoval = sources.lifecycle.expireInstances ? ` It will be removed at ${clockTime(Number(e.lastBeatAt) + instance.timing.deleteTimeoutMs)} unless a beat arrives.` : '';
      parts.push(
        `Unhealthy since ${clockTime(Number(e.lastBeatAt) + Number(e.timeoutMs))} after ${seconds(Number(e.timeoutMs))} without a heartbeat on its owner node ${e.node}; ${lastBeatClause(Number(e.lastBeatAt), String(e.lastBeatFrom), String(e.agent ?? ''), Number(e.beats))}; ${cadenceClause(Number(e.beats), Number(e.meanGapMs), Number(e.maxGapMs))}: the client stopped or lost its network.${ownerRemoval}`,
      );
      return parts.join(' ');
    }
    const lost = ownerLost(events);
    if (lost) {
      parts.push(`Unhealthy since ${clockTime(since)}: ${ownerLostClause(lost)}, and no beat reached this node or another one since. ${lost.evidence.to} took over its expiry at ${clockTime(lost.at)}.${removal}`);
      return parts.join(' ');
    }
    parts.push(
      `Unhealthy since ${clockTime(since)} after ${seconds(instance.timing.timeoutMs)} without a heartbeat; ${lastBeatClause(instance.lastBeatAt, instance.lastSeenFrom, instance.lastSeenAgent, beatStatsOf(instance).count)}; ${cadenceClause(beatStatsOf(instance).count, meanGapMs(beatStatsOf(instance)), beatStatsOf(instance).maxGapMs)}: the client stopped or lost its network.${removal}`,
    );
    return parts.join(' ');
  }
  const recreated = events.find((e) => e.cause === 'INSTANCE_RECREATED_FROM_BEAT');
  const lastRegistration = events.find((e) => e.cause === 'INSTANCE_REGISTERED' || e.cause === 'INSTANCE_RECREATED_FROM_BEAT' || e.cause === 'INSTANCE_REREGISTERED');
  if (recovered) {
    // The outage leads; the live state follows, without a second "Healthy".
    // Re-created by a beat, it has a beat's worth of news even before its beat statistics count one.
    const live = liveClause(instance, now, lastRegistration?.cause === 'INSTANCE_RECREATED_FROM_BEAT');
    parts.push(recovered, `${live[0].toUpperCase()}${live.slice(1)}`);
  } else if (recreated && recreated === lastRegistration && typeof recreated.evidence.removedAgoMs === 'number') {
    const how = recreated.evidence.removedBy === 'INSTANCE_EXPIRED' ? 'expired' : `was deleted by ${recreated.evidence.removedVia} from ${recreated.evidence.removedFrom}`;
    parts.push(
      `Healthy. It ${how} and its client is still beating, so it was re-created ${measuredSeconds(recreated.evidence.removedAgoMs)} later, at ${clockTime(recreated.at)}.${recreated.evidence.removedBy === 'INSTANCE_DEREGISTERED' ? ' To keep it out of traffic, take it offline (enabled=false) instead of deleting it.' : ''}`,
    );
  } else {
    parts.push(`Healthy: ${liveClause(instance, now)}`);
  }
  const rejected = events.find((e) => e.cause === 'REGISTRATION_REJECTED');
  if (rejected && (!lastRegistration || rejected.seq > lastRegistration.seq)) {
    parts.push(`A later registration at ${clockTime(rejected.at)} from ${rejected.evidence.from} was refused: ${rejected.evidence.reason}`);
  }
  const ignored = events.find((e) => e.cause === 'DEREGISTRATION_IGNORED');
  if (ignored && (!lastRegistration || ignored.seq > lastRegistration.seq)) parts.push(ignoredDeregistration(ignored));
  const hourMax = maxGapLastHourMs(beatStatsOf(instance), now);
  if (hourMax > instance.timing.intervalMs * sources.lifecycle.lateBeatFactor) {
    // One late beat is a hint, a pattern is a diagnosis: say "pausing" only when it happened more than once.
    parts.push(
      beatStatsOf(instance).lateCount > 1
        ? `Largest gap ${measuredSeconds(hourMax)} over the last hour (${beatStatsOf(instance).lateCount} late beats, expected every ${seconds(instance.timing.intervalMs)}): the client process is pausing (GC or CPU starvation) or its network stalls.`
        : `One beat arrived late in the last hour (gap ${measuredSeconds(hourMax)}, expected every ${seconds(instance.timing.intervalMs)}): a single pause of the client process or a network stall; watch for more.`,
    );
  }
  return parts.join(' ');
}

/** Its last beat, or its registration if it has not beaten yet. */
function liveClause(instance: ReadonlyInstance, now: number, byBeat = false): string {
  const held = heldClause(instance, now);
  if (held) return held;
  const from = `${instance.lastSeenFrom}${instance.lastSeenAgent ? ` (${instance.lastSeenAgent})` : ''}`;
  const ago = seconds(Math.max(0, now - instance.lastBeatAt));
  return beatStatsOf(instance).count === 0 && !byBeat
    ? `registered ${ago} ago from ${from}, no heartbeat yet (the first is due within ${seconds(instance.timing.intervalMs)}; unhealthy after ${seconds(instance.timing.timeoutMs)} without one).`
    : `last beat ${ago} ago from ${from}.`;
}

function explainAbsent(last: JournalEvent, events: JournalEvent[]): string {
  const e = last.evidence;
  switch (last.cause) {
    case 'INSTANCE_EXPIRED': {
      const lost = ownerLost(events, last.seq);
      if (lost) return ownerLostExpiry(last, lost);
      return `Removed at ${clockTime(last.at)} after ${seconds(Number(e.deleteTimeoutMs))} without a heartbeat; ${lastBeatClause(Number(e.lastBeatAt), String(e.lastBeatFrom), String(e.agent ?? ''), Number(e.beats))}; ${cadenceClause(Number(e.beats), Number(e.meanGapMs), Number(e.maxGapMs))}: the client stopped or lost its network.`;
    }
    case 'CONNECTION_INSTANCE_REMOVED':
      return explainConnectionRemoval(last);
    case 'INSTANCE_DEREGISTERED': {
      const who = e.agent ? `${e.from} (${e.agent})` : String(e.from);
      return `Deleted at ${clockTime(last.at)} by ${e.via} from ${who}${claimed(last)}. A client deregisters itself when it shuts down cleanly; otherwise an operator deleted it.`;
    }
    case 'REGISTRATION_REJECTED':
      return `Its last registration, at ${clockTime(last.at)} from ${e.from}, was refused: ${e.reason}`;
    case 'BEAT_UNKNOWN_INSTANCE': {
      const earlier = events.find((x) => x.cause === 'INSTANCE_EXPIRED' || x.cause === 'INSTANCE_DEREGISTERED');
      return `Heartbeats from ${e.from} (${e.agent ?? 'unknown client'}) still arrive (last at ${clockTime(last.at)}) but carry no instance data, so the server cannot re-create it; the client must register again.${earlier ? ` It left the registry at ${clockTime(earlier.at)} (${earlier.cause}).` : ''}`;
    }
    default:
      return `Not registered now; the last recorded change was ${last.cause} at ${clockTime(last.at)}.`;
  }
}

/**
 * Cluster mode: the take-over of the instance's expiry after its owner node was lost, if no registration or beat
 * renewed it after that (`events` newest first; only those before `before`, when given).
 */
function ownerLost(events: JournalEvent[], before = Number.POSITIVE_INFINITY): JournalEvent | undefined {
  for (const e of events) {
    if (e.seq >= before) continue;
    if (e.cause === 'OWNER_CHANGED' && e.evidence.reason === 'owner-lost') return e;
    if (e.cause === 'INSTANCE_REGISTERED' || e.cause === 'INSTANCE_REREGISTERED' || e.cause === 'INSTANCE_RECREATED_FROM_BEAT' || e.cause === 'BEAT_RESUMED') return undefined;
  }
  return undefined;
}

/** "its owner node … stopped renewing its lease at …": the part of the sentence both states share. */
function ownerLostClause(lost: JournalEvent): string {
  return `its owner node ${lost.evidence.from} stopped renewing its lease at ${clockTime(Number(lost.evidence.lastRenewedAt))} (it crashed, hung or lost the database)`;
}

function ownerLostExpiry(expiry: JournalEvent, lost: JournalEvent): string {
  const e = lost.evidence;
  const beats = Number(expiry.evidence.beats);
  const after = beats > 0 ? `${beats} beat${beats === 1 ? '' : 's'} reached this node after that, the last at ${clockTime(Number(expiry.evidence.lastBeatAt))}` : 'no beat reached this node or another one after that';
  return `Removed at ${clockTime(expiry.at)}: ${ownerLostClause(lost)}, and ${after}. ${e.to} took over its expiry at ${clockTime(lost.at)} and removed it ${seconds(Number(expiry.evidence.deleteTimeoutMs))} after the owner's last renewal: its client stopped or lost its network with that node.`;
}

/** Cluster mode: an event another node decided and this one learnt from the change log names that node. */
function onNode(event: JournalEvent): string {
  return typeof event.evidence.node === 'string' ? ` (Decided on its owner node ${event.evidence.node}; this node applied it from the ${event.evidence.via}.)` : '';
}

function explainNeverSeen(ref: ServiceRef, ip: string, port: number, seen: Diagnosis['seenElsewhere']): string {
  const where = `${ref.namespace}/${ref.group}/${ref.name}`;
  if (seen.length > 0) {
    const s = seen[0];
    return `No event for ${ip}:${port} in ${where}, but that address registered in namespace '${s.namespace}', group '${s.group}', service '${s.service}' at ${clockTime(s.at)}: the client's namespace, group or service name likely differs from what you expect.`;
  }
  return `No event for ${ip}:${port} in ${where} within the journal window: the client never reached this server with this service, or used another address, port, namespace or credentials (rejected requests are logged by the server).`;
}

function elsewhere(sources: DiagnosisSources, ref: ServiceRef, ip: string, port: number, now: number): Diagnosis['seenElsewhere'] {
  const seen = new Map<string, Diagnosis['seenElsewhere'][number]>();
  for (const e of sources.journal.query({ ip, port }, 1, 200, now).events) {
    if (e.namespace === ref.namespace && e.group === ref.group && e.service === ref.name) continue;
    const key = `${e.namespace}/${e.group}/${e.service}`;
    if (!seen.has(key)) seen.set(key, { namespace: e.namespace, group: e.group, service: e.service, at: e.at });
  }
  return [...seen.values()].slice(0, 5);
}

function lastBeatClause(at: number, from: string, agent: string, beats: number): string {
  // Until its first beat an instance's clock starts at its registration; say so rather than call it a beat.
  return `${beats > 0 ? 'last beat' : 'registered'} ${clockTime(at)} from ${from}${agent ? ` (${agent})` : ''}`;
}

function cadenceClause(count: number, meanMs: number, maxMs: number): string {
  if (count <= 1) return count === 1 ? 'it beat only once after registering' : 'it never beat after registering (is its heartbeat loop running?)';
  return `beats before that arrived every ${measuredSeconds(meanMs)} (largest gap ${measuredSeconds(maxMs)})`;
}
