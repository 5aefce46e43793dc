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
    this.pushes = new Counter({
      name: 'cairn_grpc_pushes_total',
      help: 'Server requests sent on gRPC streams by type and outcome (sent, acked, failed: a try left unanswered)',
      labelNames: ['type', 'outcome'],
      registers,
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
    this.pushes.inc({ type, outcome: 'sent' });
  }

  answered(type: string, seconds: number): void {
    this.pushes.inc({ type, outcome: 'acked' });
    this.ackSeconds.observe({ type }, seconds);
  }

  unanswered(type: string): void {
    this.pushes.inc({ type, outcome: 'failed' });
  }
}
