import type { Registry as NamingRegistry } from '@cairn/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one server. Counters on hot paths are plain increments; gauges that need a walk over
 * the registry are computed only when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly beats: Counter;
  readonly listQueries: Counter;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly events: Counter<'cause'>;

  constructor(naming: NamingRegistry, extra: { subscribers: () => number; pushStats: () => { sent: number; acked: number; retried: number; failed: number } }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'cairn_process_' });
    this.beats = new Counter({ name: 'cairn_beats_total', help: 'Heartbeats received', registers });
    this.listQueries = new Counter({ name: 'cairn_list_queries_total', help: 'Instance list queries answered', registers });
    this.events = new Counter({ name: 'cairn_journal_events_total', help: 'Journal events by cause', labelNames: ['cause'], registers });
    this.requestDuration = new Histogram({
      name: 'cairn_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers,
    });
    naming.journal.onAppend((e) => this.events.inc({ cause: e.cause }));
    new Gauge({
      name: 'cairn_instances', help: 'Instances by state', labelNames: ['kind', 'state'], registers,
      collect() {
        const counts = new Map<string, number>();
        for (const service of naming.services.all()) {
          for (const i of service.instances.values()) {
            const key = `${i.ephemeral ? 'ephemeral' : 'persistent'}|${i.healthy ? 'healthy' : 'unhealthy'}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        this.reset();
        for (const kind of ['ephemeral', 'persistent']) for (const state of ['healthy', 'unhealthy']) {
          this.set({ kind, state }, counts.get(`${kind}|${state}`) ?? 0);
        }
      },
    });
    new Gauge({ name: 'cairn_services', help: 'Services', registers, collect() { this.set(naming.services.size); } });
    new Gauge({
      name: 'cairn_services_protect_threshold_reached', help: 'Services whose protect threshold is reached', registers,
      collect() {
        let n = 0;
        for (const s of naming.services.all()) if (s.protectionReached) n++;
        this.set(n);
      },
    });
    new Gauge({ name: 'cairn_push_subscribers', help: 'UDP push subscribers', registers, collect() { this.set(extra.subscribers()); } });
    new Gauge({
      name: 'cairn_push_packets', help: 'UDP push packets by outcome', labelNames: ['outcome'], registers,
      collect() {
        const s = extra.pushStats();
        this.set({ outcome: 'sent' }, s.sent);
        this.set({ outcome: 'acked' }, s.acked);
        this.set({ outcome: 'retried' }, s.retried);
        this.set({ outcome: 'failed' }, s.failed);
      },
    });
  }
}
