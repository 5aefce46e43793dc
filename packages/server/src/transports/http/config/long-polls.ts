import { configKeyString, DeadlineQueue, type CairnEventBus, type ConfigClient, type ConfigKey, type Unsubscribe } from '@cairn/core';

/** One key a long-polling client listens to, with the tenant spelled as the client sent it (echoed in the answer). */
export interface ListenKey {
  readonly key: ConfigKey;
  readonly tenant: string;
  readonly md5: string;
}

/** The md5 of the version a client would be served now (ConfigCenter.md5For). */
export type ServedMd5 = (key: ConfigKey, client: ConfigClient) => string;

interface HeldPoll {
  readonly keys: readonly ListenKey[];
  /** `configKeyString` of each key, computed once. */
  readonly ids: readonly string[];
  /** Who polls: with `served`, a change wakes the poll only when it changes what this client is served. */
  readonly client: ConfigClient | undefined;
  readonly answer: (changed: readonly ListenKey[]) => void;
  done: boolean;
}

/**
 * The held long polls of `POST /v1/cs/configs/listener`. A poll is held until a `config` or `config-gray` event
 * changes the md5 its client is served for one of its keys (answered within the same turn of the event loop as the
 * publish) or its deadline passes (answered empty). So a beta publish wakes only the polls of beta clients, and a
 * main publish does not wake a client that is served a gray version.
 * All deadlines share one DeadlineQueue and one timer set for the earliest, so holding 10,000 polls costs no
 * timer each; an answered or abandoned poll stays in the queue until its deadline and is skipped then.
 *
 * @example
 *   const polls = new LongPolls(bus, (key, client) => center.md5For(key, client));
 *   polls.hold(keys, 29_500, (changed) => reply.send(encode(changed)), { ip: '10.0.0.7' });
 *   polls.releaseAll(); // at shutdown: every held poll is answered empty
 */
export class LongPolls {
  private readonly byKey = new Map<string, Set<HeldPoll>>();
  private readonly deadlines = new DeadlineQueue<HeldPoll>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly unsubscribe: Unsubscribe;
  private holding = 0;
  private closed = false;

  /** Without `served`, any change to a key wakes every poll holding it. */
  constructor(
    events: CairnEventBus,
    private readonly served?: ServedMd5,
  ) {
    const stops = [events.on('config', (e) => this.changed(e)), events.on('config-gray', (e) => this.changed(e))];
    this.unsubscribe = () => {
      for (const stop of stops) stop();
    };
  }

  /** Polls held now. */
  get size(): number {
    return this.holding;
  }

  /** Holds a poll; returns the function that drops it unanswered (the client went away). */
  hold(keys: readonly ListenKey[], holdMs: number, answer: (changed: readonly ListenKey[]) => void, client?: ConfigClient): () => void {
    if (this.closed) {
      // A poll that arrives while the server shuts down is answered at once: nothing would wake it.
      answer([]);
      return () => {};
    }
    const ids = keys.map((k) => configKeyString(k.key));
    const poll: HeldPoll = { keys, ids, client, answer, done: false };
    this.holding++;
    for (const id of ids) {
      let set = this.byKey.get(id);
      if (!set) this.byKey.set(id, (set = new Set()));
      set.add(poll);
    }
    const at = Date.now() + holdMs;
    this.deadlines.push(at, poll);
    this.arm(at);
    return () => this.finish(poll);
  }

  /** Answers every held poll empty and stops following changes (server shutdown). */
  releaseAll(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (;;) {
      const due = this.deadlines.popDue(Number.POSITIVE_INFINITY);
      if (!due) break;
      if (this.finish(due.item)) due.item.answer([]);
    }
  }

  // Runs once per held poll of the changed key (thousands in one turn): no allocation for a poll that stays held.
  private changed(key: ConfigKey): void {
    const id = configKeyString(key);
    const set = this.byKey.get(id);
    if (!set) return;
    for (const poll of [...set]) {
      let changed: ListenKey[] | undefined;
      for (let i = 0; i < poll.keys.length; i++) {
        if (poll.ids[i] !== id) continue;
        const k = poll.keys[i];
        if (this.served && poll.client && this.served(k.key, poll.client) === k.md5) continue;
        (changed ??= []).push(k);
      }
      if (changed && this.finish(poll)) poll.answer(changed);
    }
  }

  /** Marks a poll answered and unlinks it from its keys; false when it already was. */
  private finish(poll: HeldPoll): boolean {
    if (poll.done) return false;
    poll.done = true;
    this.holding--;
    for (const id of poll.ids) {
      const set = this.byKey.get(id);
      set?.delete(poll);
      if (set?.size === 0) this.byKey.delete(id);
    }
    return true;
  }

  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (;;) {
      const due = this.deadlines.popDue(now);
      if (!due) break;
      if (this.finish(due.item)) due.item.answer([]);
    }
    const next = this.deadlines.peekAt();
    if (next !== undefined) this.arm(next);
  }
}
