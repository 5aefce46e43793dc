import { configKeyString, type Journal, type NewJournalEvent } from '@cairn/core';
import type { ListenKey } from './long-polls.js';

// Bounds the memory of "what did this client last hold": the oldest client+key pair is forgotten first (it then
// journals one more held event when it next polls).
const MAX_REMEMBERED = 100_000;

/**
 * Journals the evidence of config long polls without journaling every poll: a client re-polls every 30 s.
 * `CONFIG_LISTENER_HELD` is recorded for a client+key only when the md5 it holds differs from the one last recorded
 * for that pair (its first poll, and its first poll after each change); `CONFIG_LISTENER_NOTIFIED` for every key a
 * poll is answered with (at once when the client's md5 was stale, or when a publish woke the held poll). A poll
 * answered empty at its deadline is not recorded: nothing changed for that client.
 */
export class ListenerJournal {
  private readonly lastHeld = new Map<string, string>();

  constructor(
    private readonly journal: Journal,
    private readonly now: () => number,
    /** Counts each event in `cairn_journal_events_total`, as the bus-fed events are counted. */
    private readonly count: (cause: NewJournalEvent['cause']) => void = () => {},
  ) {}

  /** A poll is held: every key was current. */
  held(from: string, agent: string, keys: readonly ListenKey[]): void {
    const at = this.now();
    for (const k of keys) {
      const id = `${from}\u0003${configKeyString(k.key)}`;
      if (this.lastHeld.get(id) === k.md5) continue;
      this.lastHeld.delete(id);
      this.lastHeld.set(id, k.md5);
      if (this.lastHeld.size > MAX_REMEMBERED) this.lastHeld.delete(this.lastHeld.keys().next().value!);
      this.count('CONFIG_LISTENER_HELD');
      this.journal.append({
        at,
        cause: 'CONFIG_LISTENER_HELD',
        namespace: k.key.namespace,
        group: k.key.group,
        service: '',
        dataId: k.key.dataId,
        evidence: { from, agent, md5: k.md5, current: true, keys: keys.length },
      });
    }
  }

  /** A poll is answered with changed keys, `heldMs` after it arrived (0: answered at once, the md5 was stale). */
  notified(from: string, agent: string, changed: readonly ListenKey[], heldMs: number, md5Of: (k: ListenKey) => string): void {
    const at = this.now();
    for (const k of changed) {
      this.lastHeld.delete(`${from}\u0003${configKeyString(k.key)}`);
      this.count('CONFIG_LISTENER_NOTIFIED');
      this.journal.append({
        at,
        cause: 'CONFIG_LISTENER_NOTIFIED',
        namespace: k.key.namespace,
        group: k.key.group,
        service: '',
        dataId: k.key.dataId,
        evidence: { from, agent, clientMd5: k.md5, md5: md5Of(k), heldMs },
      });
    }
  }
}
