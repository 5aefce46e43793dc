import type { ConfigCenter } from '../config/config-center.js';
import type { ConfigKey } from '../config/config-key.js';
import { isListening, type ConfigListeners, type ListenerState } from '../config/config-listeners.js';
import { clientSentence, configSentence, type ClientFacts } from './config-sentence.js';
import type { Journal, JournalEvent } from './journal.js';

/** What a config diagnosis reads: the config, the live table of its clients and the journal. */
export interface ConfigDiagnosisSources {
  now(): number;
  readonly config: Pick<ConfigCenter, 'get' | 'md5For'>;
  readonly listeners: Pick<ConfigListeners, 'of' | 'silentAfterMs' | 'forgetAfterMs'>;
  readonly journal: Journal;
  /** The config's gray versions, once gray releases exist; none when absent. */
  grays?(key: ConfigKey): readonly unknown[];
  /** The gray version (`beta`, `tag_<tag>`) a client is served, if any. */
  grayNameFor?(key: ConfigKey, client: { ip: string; tag?: string }): string | undefined;
}

/** One client of the config: what it holds, what it would be served, what it was told and did. */
export interface ConfigClientDiagnosis {
  ip: string;
  agent: string;
  tag?: string;
  md5: string;
  expectedMd5: string;
  current: boolean;
  listening: boolean;
  heldNow: boolean;
  gray?: string;
  listeningSince?: number;
  lastPollAt?: number;
  heldSince?: number;
  pollEndedAt?: number;
  notifiedAt?: number;
  notifiedMd5?: string;
  fetchedAt?: number;
  fetchedMd5?: string;
  /** `live`: from the table of clients; `journal`: the table forgot it, the journal still tells. */
  source: 'live' | 'journal';
  sentence: string;
}

export interface ConfigDiagnosis {
  namespace: string;
  group: string;
  dataId: string;
  sentence: string;
  checkedAt: number;
  config: { exists: boolean; md5: string; modifiedAt: number | null; gray: readonly unknown[] };
  clients: ConfigClientDiagnosis[];
}

// A day of a busy config's events; the query walks the journal window whatever the page size.
const HISTORY_EVENTS = 5_000;
const CLIENT_CAUSES = new Set(['CONFIG_LISTENER_HELD', 'CONFIG_LISTENER_NOTIFIED', 'CONFIG_FETCHED']);

/**
 * Answers "which clients run which version of this config, and why not the current one?" from the live table of
 * clients, and from the journal for clients the table forgot (so it still explains after they left).
 *
 * @example
 *   const d = diagnoseConfig({ now: () => clock.now(), config, listeners, journal }, key);
 *   d.sentence; // "3 clients listen; all hold the current md5"
 */
export function diagnoseConfig(sources: ConfigDiagnosisSources, key: ConfigKey): ConfigDiagnosis {
  const now = sources.now();
  const item = sources.config.get(key);
  const events = sources.journal.query({ namespace: key.namespace, group: key.group, dataId: key.dataId }, 1, HISTORY_EVENTS, now).events.reverse();
  const published = new Map<string, number>();
  for (const e of events) if (e.cause === 'CONFIG_PUBLISHED') published.set(String(e.evidence.md5), e.at);
  const live = sources.listeners.of(key);
  const liveIds = new Set(live.map(clientId));
  const rows = [...live.map((s) => ({ s, source: 'live' as const })), ...[...replay(events, key).values()].filter((s) => !liveIds.has(clientId(s))).map((s) => ({ s, source: 'journal' as const }))];
  const sharedIps = new Set(rows.map((r) => r.s.ip).filter((ip, i, all) => all.indexOf(ip) !== i));
  const ctx = { now, configExists: item !== undefined, publishedAt: (md5: string) => published.get(md5), forgetAfterMs: sources.listeners.forgetAfterMs };
  const clients = rows.map(({ s, source }) => {
    const client = { ip: s.ip, ...(s.tag === undefined ? {} : { tag: s.tag }) };
    const expectedMd5 = sources.config.md5For(key, client);
    const gray = sources.grayNameFor?.(key, client);
    const listening = source === 'live' && s.listeningSince !== undefined && isListening(s, now, sources.listeners.silentAfterMs);
    const facts: ClientFacts = {
      name: sharedIps.has(s.ip) && s.agent !== '' ? `${s.ip} (${s.agent})` : s.ip,
      md5: s.md5,
      expectedMd5,
      ...(gray === undefined ? {} : { gray }),
      polled: s.listeningSince !== undefined,
      listening,
      heldNow: s.heldPolls > 0,
      fromJournal: source === 'journal',
      lastActivityAt: lastActivity(s),
      ...optional({ notifiedAt: s.notifiedAt, notifiedMd5: s.notifiedMd5, fetchedAt: s.fetchedAt, fetchedMd5: s.fetchedMd5 }),
    };
    const sentence = clientSentence(facts, ctx);
    const view: ConfigClientDiagnosis = {
      ip: s.ip,
      agent: s.agent,
      ...(s.tag === undefined ? {} : { tag: s.tag }),
      md5: s.md5,
      expectedMd5,
      current: s.md5 === expectedMd5,
      listening,
      heldNow: facts.heldNow,
      ...(gray === undefined ? {} : { gray }),
      ...optional({ listeningSince: s.listeningSince, lastPollAt: s.lastPollAt, heldSince: s.heldSince, pollEndedAt: s.pollEndedAt, notifiedAt: s.notifiedAt, notifiedMd5: s.notifiedMd5, fetchedAt: s.fetchedAt, fetchedMd5: s.fetchedMd5 }),
      source,
      sentence,
    };
    return { facts, sentence, view };
  });
  // Those that need attention first: stale and stopped, stale, current and stopped; then by address.
  clients.sort((a, b) => rank(a.view) - rank(b.view) || (a.view.ip < b.view.ip ? -1 : a.view.ip > b.view.ip ? 1 : 0));
  return {
    namespace: key.namespace,
    group: key.group,
    dataId: key.dataId,
    sentence: configSentence(item !== undefined, clients),
    checkedAt: now,
    config: { exists: item !== undefined, md5: item?.md5 ?? '', modifiedAt: item?.modifiedAt ?? null, gray: sources.grays?.(key) ?? [] },
    clients: clients.map((c) => c.view),
  };
}

/** Its last sign of life: its last poll (ended or arrived); for a client that never polled, its last fetch. */
function lastActivity(s: ListenerState): number {
  const times = [s.pollEndedAt, s.lastPollAt, ...(s.listeningSince === undefined ? [s.fetchedAt] : [])].filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.max(...times) : s.lastSeenAt;
}

function rank(c: ConfigClientDiagnosis): number {
  return (c.current ? 2 : 0) + (c.listening ? 1 : 0);
}

function clientId(s: Pick<ListenerState, 'ip' | 'agent'>): string {
  return `${s.ip}\u0003${s.agent}`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The clients of a config as its journal events tell them (oldest first), keyed by address and agent. */
function replay(events: readonly JournalEvent[], key: ConfigKey): Map<string, ListenerState> {
  const clients = new Map<string, Mutable<ListenerState>>();
  for (const e of events) {
    if (!CLIENT_CAUSES.has(e.cause)) continue;
    const ev = e.evidence;
    const ip = String(ev.from);
    const agent = ev.agent === null || ev.agent === undefined ? '' : String(ev.agent);
    const id = clientId({ ip, agent });
    let c = clients.get(id);
    if (!c) clients.set(id, (c = { ip, agent, key, md5: '', heldPolls: 0, lastSeenAt: e.at }));
    c.lastSeenAt = e.at;
    if (typeof ev.tag === 'string') c.tag = ev.tag;
    if (e.cause === 'CONFIG_FETCHED') {
      c.md5 = String(ev.md5);
      c.fetchedAt = e.at;
      c.fetchedMd5 = String(ev.md5);
      continue;
    }
    c.listeningSince ??= e.at;
    c.lastPollAt = e.at;
    if (e.cause === 'CONFIG_LISTENER_HELD') {
      c.md5 = String(ev.md5);
    } else {
      c.md5 = String(ev.clientMd5);
      c.pollEndedAt = e.at;
      c.notifiedAt = e.at;
      c.notifiedMd5 = String(ev.md5);
    }
  }
  return clients;
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
