import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PushObserver } from '../transports/grpc/grpc-connection.js';

/** What the connection gauge needs of an open connection. */
export interface ConnectionModule {
  readonly module: string;
}

/** The server requests Cairn sends on gRPC streams, counted from zero so rate() works before the first one. */
const PUSH_TYPES = ['NotifySubscriberRequest', 'ConfigChangeNotifyRequest', 'ClientDetectionRequest', 'ConnectResetRequest'];
const OUTCOMES = ['sent', 'acked', 'failed'] as const;
// The `module` label a client sends is free text: anything but Nacos's two modules counts as `other`.
const MODULES = ['naming', 'config', 'other'] as const;

/**
 * gRPC metrics in the server's registry: open connections by module, and every server request sent on a stream
 * (pushes, liveness checks, resets) by type and outcome, with the time from send to the client's answer. The
 * transport reports each request here (it is its PushObserver); nothing else counts them.
 */
export class GrpcMetrics implements PushObserver {
  private readonly pushes: Counter<'type' | 'outcome'>;
  private readonly ackSeconds: Histogram<'type'>;
  /**
   * Sends, answers and failures not yet added to `pushes`, by type: a fan-out counts 1,000 of each in a few
   * milliseconds, and prom-client hashes the labels on every `inc`, so they are added when the counter is read.
   */
  private readonly uncounted = new Map<string, Record<(typeof OUTCOMES)[number], number>>();

  constructor(registry: Registry, connections: () => readonly ConnectionModule[]) {
    const registers = [registry];
    new Gauge({
      name: 'cairn_grpc_connections',
      help: 'Open gRPC connections by the module their client named (naming, config, other)',
      labelNames: ['module'],
      registers,
      collect() {
        const counts = new Map<string, number>(MODULES.map((m) => [m, 0]));
        for (const c of connections()) {
          const module = c.module === 'naming' || c.module === 'config' ? c.module : 'other';
          counts.set(module, (counts.get(module) ?? 0) + 1);
        }
        for (const [module, n] of counts) this.set({ module }, n);
      },
    });
    const uncounted = this.uncounted;
    this.pushes = new Counter({
      name: 'cairn_grpc_pushes_total',
      help: 'Server requests sent on gRPC streams by type and outcome (sent, acked, failed: a try left unanswered)',
      labelNames: ['type', 'outcome'],
      registers,
      collect() {
        for (const [type, counts] of uncounted) {
          for (const outcome of OUTCOMES) if (counts[outcome] > 0) this.inc({ type, outcome }, counts[outcome]);
        }
        uncounted.clear();
      },
    });
    for (const type of PUSH_TYPES) for (const outcome of OUTCOMES) this.pushes.inc({ type, outcome }, 0);
    this.ackSeconds = new Histogram({
      name: 'cairn_grpc_push_ack_seconds',
      help: 'Time from sending a server request on a gRPC stream to the client answer, by type',
      labelNames: ['type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers,
    });
  }

  sent(type: string): void {
    this.countsOf(type).sent++;
  }

  answered(type: string, seconds: number): void {
    this.countsOf(type).acked++;
    this.ackSeconds.observe({ type }, seconds);
  }

  unanswered(type: string): void {
    this.countsOf(type).failed++;
  }

  private countsOf(type: string): Record<(typeof OUTCOMES)[number], number> {
    let counts = this.uncounted.get(type);
    if (!counts) this.uncounted.set(type, (counts = { sent: 0, acked: 0, failed: 0 }));
    return counts;
  }
}
