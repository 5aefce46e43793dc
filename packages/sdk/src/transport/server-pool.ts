import type { ServerAddress } from '../address.js';
import type { FailureKind, ServerHealth } from '../types.js';

interface ServerState {
  address: ServerAddress;
  consecutiveFailures: number;
  lastFailure?: FailureKind;
  retryAt: number;
}

// A failing server is set aside for 1 s, doubling per consecutive failure up to 30 s.
const COOLDOWN_BASE_MS = 1000;
const COOLDOWN_MAX_MS = 30_000;

/**
 * The server list with health-aware rotation. Requests stick to the last server that answered (its caches and
 * push subscriptions are there); a server that fails is moved behind the healthy ones until its cooldown ends,
 * then tried again. When every server is cooling down they are all still tried, soonest-retry first, so a
 * single-server client never waits for a cooldown to notice the server came back.
 */
export class ServerPool {
  private readonly states: ServerState[];
  private preferred: number;

  constructor(
    servers: readonly ServerAddress[],
    private readonly now: () => number,
    random: () => number,
  ) {
    this.states = servers.map((address) => ({ address, consecutiveFailures: 0, retryAt: 0 }));
    // Spread clients over the list, as Nacos clients do, instead of all starting on the first server.
    this.preferred = Math.floor(random() * servers.length) % servers.length;
  }

  /** The order to try servers in for one request. */
  order(): ServerAddress[] {
    const now = this.now();
    const n = this.states.length;
    const rotated = Array.from({ length: n }, (_, i) => this.states[(this.preferred + i) % n]);
    const ready = rotated.filter((s) => s.retryAt <= now);
    const cooling = rotated.filter((s) => s.retryAt > now).sort((a, b) => a.retryAt - b.retryAt);
    return [...ready, ...cooling].map((s) => s.address);
  }

  succeeded(address: ServerAddress): void {
    const i = this.states.findIndex((s) => s.address === address);
    const s = this.states[i];
    s.consecutiveFailures = 0;
    s.lastFailure = undefined;
    s.retryAt = 0;
    this.preferred = i;
  }

  failed(address: ServerAddress, kind: FailureKind, random: () => number): void {
    const s = this.states.find((x) => x.address === address)!;
    s.consecutiveFailures++;
    s.lastFailure = kind;
    const cooldown = Math.min(COOLDOWN_MAX_MS, COOLDOWN_BASE_MS * 2 ** Math.min(s.consecutiveFailures - 1, 10));
    s.retryAt = this.now() + cooldown * (0.75 + 0.5 * random());
  }

  health(): ServerHealth[] {
    const now = this.now();
    return this.states.map((s) => ({
      address: s.address.label,
      healthy: s.consecutiveFailures === 0,
      consecutiveFailures: s.consecutiveFailures,
      ...(s.lastFailure ? { lastFailure: s.lastFailure } : {}),
      ...(s.retryAt > now ? { retryAt: s.retryAt } : {}),
    }));
  }
}
