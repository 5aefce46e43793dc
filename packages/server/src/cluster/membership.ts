import { memberChanges, membersByAddress, type Member, type MemberEvent, type MemberSighting, type MemberState, type MemberStore } from '@cairn/core';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface MembershipSettings {
  /** Time between two renewals of this node's lease. */
  renewMs: number;
  /** How long one renewal keeps this node UP for the others. */
  leaseMs: number;
}

/** Where the members seen DOWN or UP are told (the server's bus: the journal records them). */
export interface MemberEvents {
  publish(event: MemberEvent): void;
}

/** A node whose lease lapsed: its run, the address it renewed with, and its last renewal (this node's clock). */
export interface LapsedMember {
  node: string;
  address: string;
  renewedAt: number;
}

/** What the cluster endpoints read: this node and every member, with their states. */
export interface MemberList {
  self(): Member;
  members(): Member[];
}

// A lapsed node's row stays this long so the list shows it DOWN (and a later takeover can name it); then it goes.
const DOWN_ROWS_KEPT_MS = 3_600_000;
// A graceful shutdown gives its lease back within this, or leaves it to lapse (a database that does not answer).
const LEAVE_WAIT_MS = 1_000;

/**
 * This node's membership. In cluster mode it renews its lease row every `renewMs` and reads every member's row
 * with it; the list it serves is that reading, aged by this node's monotonic clock since (so a database that stops
 * answering turns the members SUSPICIOUS, then DOWN, instead of freezing them UP). A failed renewal is logged once,
 * retried on the next tick, and its recovery logged. Without cluster mode the list is this node alone, UP.
 *
 * @example
 *   const membership = new Membership(stores.members, { node, renewMs: 2_000, leaseMs: 10_000 }, log);
 *   await membership.start('10.0.0.2:8848');
 *   membership.members(); // [{ address: '10.0.0.1:8848', state: 'UP', … }, …]
 *   await membership.leave(); // at shutdown: DOWN for everyone at once
 */
export class Membership implements MemberList {
  private address = '';
  private readonly startedAt = Date.now();
  private seen: MemberSighting[] = [];
  private seenAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private renewing = false;
  private failing: string | null = null;
  /** When renewals last started working (at start, or after failing); undefined while they fail. */
  private renewingSince: number | undefined;
  // Each address's state at the previous reading; undefined before the first (which sets the baseline, no events).
  private states: Map<string, MemberState> | undefined;
  /** Runs of other nodes whose lease lapsed and that `onLapsed` has dealt with. */
  private readonly gone = new Set<string>();
  /** Called once for each run of another node whose lease has lapsed (crashed, or left): its ephemeral instances are taken over. */
  onLapsed: ((lost: LapsedMember) => Promise<void>) | undefined;

  constructor(
    private readonly store: MemberStore | undefined,
    private readonly node: string,
    private readonly settings: MembershipSettings,
    private readonly log: Logger,
    private readonly events?: MemberEvents,
    private readonly now: () => number = Date.now,
  ) {}

  /** Renews at once (a node is listed as soon as it listens), then every `renewMs`. */
  async start(address: string): Promise<void> {
    this.address = address;
    if (!this.store) return;
    this.renewing = true;
    await this.tick();
    if (this.failing === null) this.log.info({ node: this.node, address, leaseMs: this.settings.leaseMs }, 'cluster: member of the cluster, renewing its lease');
  }

  /** Stops renewing without giving the lease back: to the others the node now dies as a crashed one does. */
  async stop(): Promise<void> {
    this.renewing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** Graceful shutdown: stops renewing and gives the lease back, so every node shows this one DOWN at once. */
  async leave(): Promise<void> {
    const wasRenewing = this.renewing;
    await this.stop();
    if (!this.store || !wasRenewing) return;
    let timer: NodeJS.Timeout | undefined;
    const given = this.store.leave(this.node).then(
      () => true,
      (err: unknown) => {
        this.log.warn({ err }, 'cluster: could not give the lease back; the other nodes see this node DOWN once it lapses');
        return true;
      },
    );
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), LEAVE_WAIT_MS);
    });
    if (!(await Promise.race([given, late]))) this.log.warn('cluster: the database did not answer in time; the other nodes see this node DOWN once its lease lapses');
    clearTimeout(timer);
  }

  members(): Member[] {
    if (!this.store) return [this.standalone()];
    return membersByAddress(this.seen, this.agedBy());
  }

  /** The address a node (a run) renewed its lease with, if it is or was a member lately. */
  addressOf(node: string): string | undefined {
    if (node === this.node) return this.address;
    return this.seen.find((s) => s.node === node)?.address;
  }

  self(): Member {
    if (!this.store) return this.standalone();
    const own = this.seen.find((s) => s.node === this.node);
    if (own) return membersByAddress([own], this.agedBy())[0];
    // Not renewed yet (the database has not answered since the start): not a member the others can see.
    return { node: this.node, address: this.address, leaseMs: this.settings.leaseMs, startedAt: this.startedAt, renewedAt: 0, sinceRenewalMs: Number.POSITIVE_INFINITY, state: 'DOWN' };
  }

  /** For readiness and metrics: whether the last renewal failed, and why. */
  get status(): { node: string; address: string; failing: string | null } {
    return { node: this.node, address: this.address, failing: this.failing };
  }

  private agedBy(): number {
    return Math.max(0, performance.now() - this.seenAt);
  }

  private standalone(): Member {
    return { node: this.node, address: this.address, leaseMs: 0, startedAt: this.startedAt, renewedAt: Date.now(), sinceRenewalMs: 0, state: 'UP' };
  }

  /** Members seen turning DOWN or UP since the previous reading, published (a database outage publishes none). */
  private announceChanges(): void {
    const listed = membersByAddress(this.seen);
    if (this.states) {
      for (const event of memberChanges(this.states, listed, this.now())) {
        this.log.info({ address: event.address, node: event.node, previous: event.previous }, `cluster: member ${event.address} is ${event.cause === 'MEMBER_DOWN' ? 'DOWN' : 'UP'}`);
        this.events?.publish(event);
      }
    }
    this.states = new Map(listed.map((m) => [m.address, m.state]));
  }

  // By run, not by address: a node restarted at the same address is a new run, and the crashed run's instances
  // must still go. A failed attempt is tried again at the next reading.
  //
  // Only once this node has renewed for a whole lease: after an outage of the database every lease has lapsed, and
  // a node that has just renewed again must give the others a lease to do the same before it calls them dead (else
  // the first node back would take over every other node's instances, which expire there at once).
  private async settleLapsed(seen: readonly MemberSighting[]): Promise<void> {
    if (!this.onLapsed) return;
    if (this.renewingSince === undefined || performance.now() - this.renewingSince < this.settings.leaseMs) return;
    for (const m of seen) {
      const live = m.leaseMs > 0 && m.sinceRenewalMs <= m.leaseMs;
      // A run that renews again (it was cut off from the database, not dead) is dealt with again if it lapses again.
      if (live) this.gone.delete(m.node);
      if (m.node === this.node || this.gone.has(m.node) || live) continue;
      // Its last renewal on this node's clock: the database measured the age, this node read it just now.
      await this.onLapsed({ node: m.node, address: m.address, renewedAt: this.now() - m.sinceRenewalMs });
      this.gone.add(m.node);
    }
    // Rows of lapsed runs are pruned after an hour: so are they here (every restart is a new run).
    const listed = new Set(seen.map((m) => m.node));
    for (const node of this.gone) if (!listed.has(node)) this.gone.delete(node);
  }

  private tick(): Promise<void> {
    this.ticking = this.renewAndRead().finally(() => {
      this.ticking = undefined;
      if (!this.renewing) return;
      this.timer = setTimeout(() => void this.tick(), this.settings.renewMs);
      this.timer.unref();
    });
    return this.ticking;
  }

  private async renewAndRead(): Promise<void> {
    const store = this.store;
    if (!store) return;
    try {
      await store.renew({ node: this.node, address: this.address, leaseMs: this.settings.leaseMs });
      this.renewingSince ??= performance.now();
      const seen = await store.list();
      this.seen = seen;
      this.seenAt = performance.now();
      this.announceChanges();
      await this.settleLapsed(seen);
      await store.prune(Math.max(DOWN_ROWS_KEPT_MS, 10 * this.settings.leaseMs));
      if (this.failing !== null) this.log.info({ node: this.node }, 'cluster: the lease is renewed again');
      this.failing = null;
    } catch (err) {
      this.renewingSince = undefined;
      if (this.failing === null) this.log.warn({ err, node: this.node }, 'cluster: renewing the lease failed; retrying every renewal interval (the other nodes see this node DOWN once the lease lapses)');
      this.failing = err instanceof Error ? err.message : String(err);
    }
  }
}
