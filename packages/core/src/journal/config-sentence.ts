import { clockTime } from './format.js';

/** What the diagnosis knows of one client of one config, as the sentences need it. */
export interface ClientFacts {
  /** How sentences name the client: its address, with its agent when two clients share the address. */
  readonly name: string;
  /** The md5 the client holds (`""`: no content). */
  readonly md5: string;
  /** The md5 of the version the client would be served now (gray aware); `""` when there is none. */
  readonly expectedMd5: string;
  /** The gray version the client is served (`beta`, `tag_x`), when one is. */
  readonly gray?: string;
  /** It long-polled at some point (else it only fetched). */
  readonly polled: boolean;
  /** It polls now: a poll is held, or its last one ended moments ago. */
  readonly listening: boolean;
  readonly heldNow: boolean;
  /** Known from the journal only: the live table forgot it after `forgetAfterMs` without a poll. */
  readonly fromJournal: boolean;
  /** Its last sign of life: when its last poll ended (or arrived), or its last fetch. */
  readonly lastActivityAt: number;
  readonly notifiedAt?: number;
  /** The md5 it was told of when notified. */
  readonly notifiedMd5?: string;
  readonly fetchedAt?: number;
  readonly fetchedMd5?: string;
}

export interface SentenceContext {
  readonly now: number;
  readonly configExists: boolean;
  /** When the version with this md5 was published, if the journal still knows. */
  publishedAt(md5: string): number | undefined;
  /** How long the live table keeps a client that stopped polling. */
  readonly forgetAfterMs: number;
}

/**
 * One client in one sentence: whether it holds the version it would be served and, when it does not, why, from
 * what it was told and did. For example: `10.0.0.8 still holds the version published at 10:00:00 (md5 …):
 * notified at 10:02:01, never fetched; its long poll has not come back for 95 s: the client stopped or lost its
 * network`.
 */
export function clientSentence(c: ClientFacts, ctx: SentenceContext): string {
  if (c.md5 === c.expectedMd5) return currentSentence(c, ctx);
  const head = `${c.name} still holds ${versionPhrase(c.md5, ctx)}${!ctx.configExists && c.expectedMd5 === '' ? ', but the config was deleted since' : ''}`;
  if (!c.polled) return `${head}: it fetched it at ${clockTime(c.fetchedAt ?? c.lastActivityAt)} and does not listen for changes`;
  return `${head}: ${whatItWasTold(c, ctx)}; ${liveness(c, ctx)}`;
}

function currentSentence(c: ClientFacts, ctx: SentenceContext): string {
  const holds = c.expectedMd5 === '' ? 'knows the config does not exist (md5 "")' : `holds the current ${c.gray ? `${c.gray} ` : ''}md5 ${c.expectedMd5}`;
  if (!c.polled) return `${c.name} ${holds}, fetched at ${clockTime(c.fetchedAt ?? c.lastActivityAt)}; it does not listen for changes`;
  if (c.listening) return `${c.name} ${holds}${c.heldNow ? '; its long poll is held now' : ''}`;
  return `${c.name} ${holds}, but ${liveness(c, ctx)}`;
}

function whatItWasTold(c: ClientFacts, ctx: SentenceContext): string {
  if (c.notifiedAt !== undefined) {
    const at = `notified at ${clockTime(c.notifiedAt)}`;
    if (!fetchedSinceNotified(c) || c.fetchedAt === undefined) return `${at}, never fetched`;
    if (c.fetchedMd5 === c.expectedMd5) return `${at}, fetched the new version at ${clockTime(c.fetchedAt)} but polls again with the old md5: the application did not take the new content`;
    return `${at}, fetched at ${clockTime(c.fetchedAt)} but was served md5 ${c.fetchedMd5 === '' ? '""' : c.fetchedMd5}`;
  }
  const changedAt = ctx.publishedAt(c.expectedMd5);
  if (!c.listening && changedAt !== undefined && c.lastActivityAt < changedAt) {
    return `never notified: its polls stopped at ${clockTime(c.lastActivityAt)}, before the change at ${clockTime(changedAt)}`;
  }
  return 'never notified';
}

/**
 * Whether the last fetch came after the last notification. Times can tie (the clock counts milliseconds): a tie
 * counts as after only when the fetch was served the md5 the notification told of.
 */
export function fetchedSinceNotified(c: Pick<ClientFacts, 'notifiedAt' | 'notifiedMd5' | 'fetchedAt' | 'fetchedMd5'>): boolean {
  if (c.notifiedAt === undefined || c.fetchedAt === undefined) return false;
  return c.fetchedAt > c.notifiedAt || (c.fetchedAt === c.notifiedAt && c.fetchedMd5 === c.notifiedMd5);
}

/** Whether the client still polls, in the words the sentence needs. */
function liveness(c: ClientFacts, ctx: SentenceContext): string {
  if (c.heldNow) return 'its long poll is held now';
  if (c.listening) return `its next long poll has not arrived yet (the last ended ${elapsed(ctx.now - c.lastActivityAt)} ago)`;
  const silence = c.fromJournal ? `over ${elapsed(ctx.forgetAfterMs)}` : elapsed(ctx.now - c.lastActivityAt);
  return `its long poll has not come back for ${silence}: the client stopped or lost its network`;
}

function versionPhrase(md5: string, ctx: SentenceContext): string {
  if (md5 === '') return 'no content (md5 "")';
  const at = ctx.publishedAt(md5);
  return at === undefined ? `an older version (md5 ${md5})` : `the version published at ${clockTime(at)} (md5 ${md5})`;
}

/** `95 s` below two minutes, `12 min` below two hours, then `3 h`. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** At most this many client sentences follow the summary; the rest are counted. */
const MAX_DETAILS = 5;

/**
 * The answer to "which clients run which version of this config?" in one paragraph: how many clients listen,
 * whether all hold the current md5, then the sentence of each client that does not, or that stopped.
 * For example `3 clients listen; all hold the current md5`, or `no client listens to this dataId`.
 */
export function configSentence(exists: boolean, clients: readonly { facts: ClientFacts; sentence: string }[]): string {
  const missing = 'config does not exist: clients listening get md5 ""';
  const pollers = clients.filter((c) => c.facts.polled);
  const fetchers = clients.filter((c) => !c.facts.polled).map((c) => c.sentence);
  if (pollers.length === 0) {
    const none = exists ? 'no client listens to this dataId' : `${missing}; no client listens to it`;
    return joinSentences([none, ...fetchers]);
  }
  const listening = pollers.filter((c) => c.facts.listening).length;
  const stopped = pollers.length - listening;
  const stale = pollers.filter((c) => c.facts.md5 !== c.facts.expectedMd5);
  const count = listening === 0 ? `no client listens now (${stopped} stopped)` : `${listening} ${listening === 1 ? 'client listens' : 'clients listen'}${stopped > 0 ? ` and ${stopped} stopped` : ''}`;
  const summary = `${exists ? '' : `${missing}; `}${count}; ${holders(pollers.length, pollers.length - stale.length, exists)}`;
  // Those that need attention: the stale ones first, then current ones that stopped polling.
  const details = [...stale, ...pollers.filter((c) => c.facts.md5 === c.facts.expectedMd5 && !c.facts.listening)].map((c) => c.sentence);
  return joinSentences([summary, ...details, ...fetchers]);
}

function holders(clients: number, current: number, exists: boolean): string {
  if (current === clients) return clients === 1 ? (exists ? 'it holds the current md5' : 'it knows it does not exist') : exists ? 'all hold the current md5' : 'all know it does not exist';
  return `${current === 0 ? 'none' : current} ${current <= 1 ? 'holds' : 'hold'} the current md5`;
}

function joinSentences(parts: readonly string[]): string {
  const shown = parts.slice(0, MAX_DETAILS + 1);
  const more = parts.length - shown.length;
  return [...shown, ...(more > 0 ? [`and ${more} more`] : [])].join('. ');
}
