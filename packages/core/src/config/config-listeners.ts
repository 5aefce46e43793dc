import type { EventPublisher } from '../shared/event-bus.js';
import type { Clock } from '../shared/time/clock.js';
import type { ConfigClientEvent } from './config-events.js';
import { type ConfigKey, configKeyString } from './config-key.js';

/** A config client as one request shows it: address, agent, the request's route, and its `Vipserver-Tag`. */
export interface ConfigClientRequest {
  readonly ip: string;
  readonly agent: string;
  /** Method and route template, e.g. `POST /nacos/v1/cs/configs/listener`: evidence in the journal. */
  readonly via: string;
  readonly tag?: string;
}

/** One key of a long poll with the md5 the client holds for it (`""`: it has no content). */
export interface PolledKey {
  readonly key: ConfigKey;
  readonly md5: string;
}

/** What the server knows of one client (address and agent) and one config: a row of the live table. */
export interface ListenerState {
  readonly ip: string;
  readonly agent: string;
  readonly tag?: string;
  readonly key: ConfigKey;
  /** The md5 the client holds: what its last poll said, or what it was served by a fetch after that. */
  readonly md5: string;
  /** Its first poll; undefined when it only fetched. */
  readonly listeningSince?: number;
  readonly lastPollAt?: number;
  /** Polls of this client held now (a client may run more than one). */
  readonly heldPolls: number;
  /** Since when a poll has been held, while one is. */
  readonly heldSince?: number;
  /** When its last poll was answered or dropped. */
  readonly pollEndedAt?: number;
  /** The last time a poll was answered that this config changed, and the md5 it was told of. */
  readonly notifiedAt?: number;
  readonly notifiedMd5?: string;
  /** The last fetch (`GET` of the config) and the md5 it was served. */
  readonly fetchedAt?: number;
  readonly fetchedMd5?: string;
  readonly lastSeenAt: number;
}

/** A poll in progress, as `pollArrived` returns it and `pollAnswered`/`pollDropped` end it. */
export interface ListenerPoll {
  readonly client: ConfigClientRequest;
  readonly keys: readonly PolledKey[];
  readonly arrivedAt: number;
  readonly held: boolean;
}

export interface ConfigListenersSettings {
  /** Rows kept at most; the least recently seen is forgotten first. */
  maxEntries: number;
  /** A row nobody touched for this long is forgotten (the journal still tells its story). */
  forgetAfterMs: number;
  /**
   * A client whose last poll ended longer ago than this, with none held now, has stopped listening: clients
   * poll again right after an answer (Nacos clients wait 2 s after an error).
   */
  silentAfterMs: number;
}

export const DEFAULT_CONFIG_LISTENERS: Readonly<ConfigListenersSettings> = Object.freeze({ maxEntries: 100_000, forgetAfterMs: 3_600_000, silentAfterMs: 10_000 });

type Row = { -readonly [K in keyof ListenerState]: ListenerState[K] } & { journaledHeldMd5?: string; journaledFetchMd5?: string };

/** True while the client polls: a poll is held now, or its last one ended less than `silentAfterMs` ago. */
export function isListening(s: ListenerState, now: number, silentAfterMs: number = DEFAULT_CONFIG_LISTENERS.silentAfterMs): boolean {
  if (s.heldPolls > 0) return true;
  const last = Math.max(s.pollEndedAt ?? -Infinity, s.lastPollAt ?? -Infinity);
  return now - last < silentAfterMs;
}

/**
 * The live table of config clients: per client (address and agent) and config, the md5 it holds, since when it
 * listens, its last poll, whether a poll is held now, when it was notified and when it fetched. Bounded by count
 * and idle time. Each command publishes what is news on the bus, which the journal records: a held poll once per
 * client and config until the md5 it holds changes (a client re-polls every 30 s), every notification, a fetch
 * once per md5 served.
 *
 * @example
 *   const listeners = new ConfigListeners({ clock, events: bus });
 *   const poll = listeners.pollArrived(client, [{ key, md5 }], true);
 *   listeners.pollAnswered(poll, [{ key, md5 }], (k) => center.md5For(k, client));
 */
export class ConfigListeners {
  // Insertion order is recency order: a touched row is moved to the end, so the first row is the stalest.
  private readonly rows = new Map<string, Row>();
  private readonly settings: ConfigListenersSettings;

  constructor(
    private readonly deps: { clock: Clock; events: EventPublisher<ConfigClientEvent> },
    settings: Partial<ConfigListenersSettings> = {},
  ) {
    this.settings = { ...DEFAULT_CONFIG_LISTENERS, ...settings };
  }

  get size(): number {
    return this.rows.size;
  }

  get silentAfterMs(): number {
    return this.settings.silentAfterMs;
  }

  get forgetAfterMs(): number {
    return this.settings.forgetAfterMs;
  }

  /** A long poll arrived; `held` when the server holds it (every key was current). */
  pollArrived(client: ConfigClientRequest, keys: readonly PolledKey[], held: boolean): ListenerPoll {
    const at = this.deps.clock.now();
    for (const k of keys) {
      const row = this.touch(client, k.key, at, k.md5);
      row.md5 = k.md5;
      row.listeningSince ??= at;
      row.lastPollAt = at;
      if (!held) continue;
      if (row.heldPolls++ === 0) row.heldSince = at;
      if (row.journaledHeldMd5 === k.md5) continue;
      row.journaledHeldMd5 = k.md5;
      this.publish({ cause: 'CONFIG_LISTENER_HELD', md5: k.md5, keys: keys.length }, client, k.key, at);
    }
    return { client, keys, arrivedAt: at, held };
  }

  /** The poll was answered: `changed` are the keys it named (none: it timed out), `currentMd5` what they are now. */
  pollAnswered(poll: ListenerPoll, changed: readonly PolledKey[], currentMd5: (key: ConfigKey) => string): void {
    const at = this.end(poll);
    for (const k of changed) {
      const row = this.touch(poll.client, k.key, at, k.md5);
      const md5 = currentMd5(k.key);
      row.notifiedAt = at;
      row.notifiedMd5 = md5;
      row.journaledHeldMd5 = undefined;
      this.publish({ cause: 'CONFIG_LISTENER_NOTIFIED', clientMd5: k.md5, md5, heldMs: at - poll.arrivedAt }, poll.client, k.key, at);
    }
  }

  /** The client went away while its poll was held. */
  pollDropped(poll: ListenerPoll): void {
    this.end(poll);
  }

  /** The client read the config and was served `md5` (`""`: not found). */
  fetched(client: ConfigClientRequest, key: ConfigKey, md5: string): void {
    const at = this.deps.clock.now();
    const row = this.touch(client, key, at, md5);
    row.md5 = md5;
    row.fetchedAt = at;
    row.fetchedMd5 = md5;
    if (row.journaledFetchMd5 === md5) return;
    row.journaledFetchMd5 = md5;
    this.publish({ cause: 'CONFIG_FETCHED', md5 }, client, key, at);
  }

  /** The rows of one config, as copies. */
  of(key: ConfigKey): ListenerState[] {
    this.forgetIdle(this.deps.clock.now());
    const id = configKeyString(key);
    return [...this.rows.values()].filter((r) => configKeyString(r.key) === id).map(view);
  }

  /** The rows of one client address, every config, as copies. */
  ofIp(ip: string): ListenerState[] {
    this.forgetIdle(this.deps.clock.now());
    return [...this.rows.values()].filter((r) => r.ip === ip).map(view);
  }

  private end(poll: ListenerPoll): number {
    const at = this.deps.clock.now();
    for (const k of poll.keys) {
      const row = this.rows.get(rowId(poll.client, k.key));
      if (!row) continue; // forgotten meanwhile: nothing is held there any more
      row.pollEndedAt = at;
      if (!poll.held) continue;
      row.heldPolls = Math.max(0, row.heldPolls - 1);
      if (row.heldPolls === 0) row.heldSince = undefined;
    }
    return at;
  }

  private touch(client: ConfigClientRequest, key: ConfigKey, at: number, md5: string): Row {
    const id = rowId(client, key);
    let row = this.rows.get(id);
    if (row) this.rows.delete(id);
    else row = { ip: client.ip, agent: client.agent, key: { namespace: key.namespace, group: key.group, dataId: key.dataId }, md5, heldPolls: 0, lastSeenAt: at };
    row.lastSeenAt = at;
    if (client.tag !== undefined) row.tag = client.tag;
    this.rows.set(id, row);
    if (this.rows.size > this.settings.maxEntries) this.rows.delete(this.rows.keys().next().value!);
    this.forgetIdle(at);
    return row;
  }

  private forgetIdle(now: number): void {
    for (const [id, row] of this.rows) {
      if (row.lastSeenAt >= now - this.settings.forgetAfterMs || row.heldPolls > 0) return;
      this.rows.delete(id);
    }
  }

  private publish(fields: DistributiveOmit<ConfigClientEvent, 'type' | 'ip' | 'agent' | 'via' | 'tag' | 'at' | keyof ConfigKey>, client: ConfigClientRequest, key: ConfigKey, at: number): void {
    const event = {
      type: 'configClient',
      namespace: key.namespace,
      group: key.group,
      dataId: key.dataId,
      ip: client.ip,
      agent: client.agent,
      via: client.via,
      ...(client.tag === undefined ? {} : { tag: client.tag }),
      at,
      ...fields,
    } as ConfigClientEvent;
    this.deps.events.publish(event);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function rowId(client: ConfigClientRequest, key: ConfigKey): string {
  return `${client.ip}\u0003${client.agent}\u0003${configKeyString(key)}`;
}

function view(row: Row): ListenerState {
  const { journaledHeldMd5: _h, journaledFetchMd5: _f, ...state } = row;
  return { ...state, key: { ...state.key } };
}
