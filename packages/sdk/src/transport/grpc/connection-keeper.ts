import { CairnAuthError } from '../../errors.js';
import type { ClientClock, ClientLogger } from '../../types.js';
import type { GrpcChannel } from './grpc-channel.js';

// After a lost connection the first try is at once, then 200 ms, doubling to 10 s, with jitter.
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 10_000;
// As the Java client: a connection is checked every 5 s, so a server that hangs without closing is noticed.
const HEALTH_EVERY_MS = 5_000;

/**
 * Keeps the gRPC connection up: after a loss it reconnects (each try walks the server list) until one succeeds,
 * and while connected it sends a HealthCheckRequest every 5 s, dropping a connection that does not answer.
 */
export class ConnectionKeeper {
  private retryTimer: unknown;
  private healthTimer: unknown;
  private failures = 0;
  private reconnecting = false;
  private stopped = false;

  constructor(
    private readonly connect: () => Promise<GrpcChannel>,
    private readonly current: () => GrpcChannel | undefined,
    private readonly clock: ClientClock,
    private readonly random: () => number,
    private readonly logger: ClientLogger,
  ) {}

  /** A connection was made: health checks start. */
  connected(): void {
    this.clock.clearTimeout(this.healthTimer);
    this.healthTimer = this.clock.setTimeout(() => void this.check(), HEALTH_EVERY_MS);
  }

  /** The connection was lost and something must be redone: reconnect until it works. */
  reconnect(): void {
    if (this.reconnecting || this.stopped) return;
    this.reconnecting = true;
    this.failures = 0;
    this.attempt();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.retryTimer);
    this.clock.clearTimeout(this.healthTimer);
  }

  private attempt(): void {
    if (this.stopped) return;
    this.connect().then(
      () => {
        this.reconnecting = false;
        if (this.failures > 0) this.logger.info?.(`gRPC reconnected after ${this.failures} failed tries`);
      },
      (error: unknown) => {
        if (error instanceof CairnAuthError) {
          // Trying again would only repeat the refusal: the next call connects again and reports it.
          this.reconnecting = false;
          this.logger.error?.(`gRPC reconnect stopped: ${error.message}`);
          return;
        }
        this.failures++;
        if (this.failures === 1) this.logger.warn?.(`gRPC reconnect failed: ${(error as Error).message}; retrying with backoff`);
        const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures - 1, 20));
        this.retryTimer = this.clock.setTimeout(() => this.attempt(), backoff * (0.5 + 0.5 * this.random()));
      },
    );
  }

  private async check(): Promise<void> {
    const channel = this.current();
    if (this.stopped || !channel?.isOpen) return;
    try {
      await channel.request('HealthCheckRequest', {});
    } catch (error) {
      channel.drop(`health check failed: ${(error as Error).message}`);
      return;
    }
    if (this.current() === channel) this.connected();
  }
}
