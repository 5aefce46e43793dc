import { CAUSES, causeOfGrayChange, configCauseOf, isEnabled, type CairnEventBus, type Journal, type Registry as NamingRegistry } from '@cairn/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PushCounts {
  sent: number;
  acked: number;
  retried: number;
  failed: number;
}
/** One live UDP subscription, as far as the per-service gauge needs it. */
export interface SubscribedService {
  namespace: string;
  group: string;
  name: string;
}

const KINDS = ['ephemeral', 'persistent'] as const;
// Every limit from zero, so alerts on rate() work before the first refusal.
const LIMITS = ['maxInstancesPerService', 'maxServicesPerNamespace', 'maxInstances', 'maxSubscribersPerAddress', 'maxSubscribers', 'heap'] as const;
// `disabled` wins over health: a disabled instance gets no traffic whatever its health.
const STATES = ['healthy', 'unhealthy', 'disabled'] as const;

/**
 * Prometheus metrics of one server, scraped at `/nacos/actuator/prometheus`. Counters on hot paths are plain
 * increments; gauges that need a walk over the registry are computed only when scraped. docs/operations.md
 * lists every `cairn_*` name, and a test keeps that list and this file in step.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly beats: Counter;
  readonly listQueries: Counter;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly events: Counter<'cause'>;

  constructor(
    naming: NamingRegistry,
    journal: Pick<Journal, 'size'>,
    events: CairnEventBus,
    extra: {
      subscribers: () => number;
      pushStats: () => PushCounts;
      subscriptions?: () => readonly SubscribedService[];
      subscriberRefusals?: () => Readonly<Record<string, number>>;
      /** The heap watch: its refusals (all of them; the journal records one a second) and its state. */
      heap?: { readonly refused: number; readonly underPressure: boolean; readonly usedRatio: number };
    },
  ) {
    const registers = [this.registry];
    // Standard process_* and nodejs_* names, so stock Node.js dashboards work unchanged.
    collectDefaultMetrics({ register: this.registry });
    this.beats = new Counter({ name: 'cairn_beats_total', help: 'Heartbeats received', registers });
    this.listQueries = new Counter({ name: 'cairn_list_queries_total', help: 'Instance list queries answered', registers });
    this.events = new Counter({ name: 'cairn_journal_events_total', help: 'Journal events by cause', labelNames: ['cause'], registers });
    // Every cause from zero, so rate() and alerts work before the first event of a kind.
    // One child per cause, bound once: every registration appends an event, and a label lookup per event shows in profiles.
    const byCause = new Map(Object.keys(CAUSES).map((cause) => [cause, this.events.labels({ cause })]));
    for (const child of byCause.values()) child.inc(0);
    // Registrations refused by a limit are journaled (REGISTRATION_REJECTED, code LIMIT_EXCEEDED, field = the limit).
    const limitRefusals = new Map<string, number>(LIMITS.map((limit) => [limit, 0]));
    const countRefusal = (e: { cause: string; evidence: Readonly<Record<string, unknown>> }) => {
      if ((e.cause === 'REGISTRATION_REJECTED' || e.cause === 'SERVICE_CREATE_REJECTED') && e.evidence.code === 'LIMIT_EXCEEDED') {
        const limit = String(e.evidence.field);
        limitRefusals.set(limit, (limitRefusals.get(limit) ?? 0) + 1);
      }
    };
    events.on('instance', (e) => {
      byCause.get(e.cause)?.inc();
      countRefusal(e);
    });
    events.on('service', (e) => {
      byCause.get(e.cause)?.inc();
      countRefusal(e);
    });
    events.on('config', (e) => byCause.get(configCauseOf(e))?.inc());
    events.on('configClient', (e) => byCause.get(e.cause)?.inc());
    events.on('connection', (e) => byCause.get(e.cause)?.inc());
    events.on('config-gray', (e) => byCause.get(causeOfGrayChange(e))?.inc());
    events.on('auth', (e) => byCause.get(e.cause)?.inc());
    events.on('member', (e) => byCause.get(e.cause)?.inc());
    this.requestDuration = new Histogram({
      name: 'cairn_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    new Gauge({
      name: 'cairn_instances',
      help: 'Instances by kind and state (healthy, unhealthy, disabled)',
      labelNames: ['kind', 'state'],
      registers,
      collect() {
        const counts = new Map<string, number>();
        for (const service of naming.allServices()) {
          for (const i of service.instances.values()) {
            const state = !isEnabled(service, i) ? 'disabled' : i.healthy ? 'healthy' : 'unhealthy';
            const key = `${i.ephemeral ? 'ephemeral' : 'persistent'}|${state}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        }
        for (const kind of KINDS) for (const state of STATES) this.set({ kind, state }, counts.get(`${kind}|${state}`) ?? 0);
      },
    });
    new Gauge({
      name: 'cairn_services',
      help: 'Services',
      registers,
      collect() {
        this.set(naming.serviceCount);
      },
    });
    new Gauge({
      name: 'cairn_services_protect_threshold_reached',
      help: 'Services whose protect threshold is reached (queries return all instances)',
      registers,
      collect() {
        let n = 0;
        for (const s of naming.allServices()) if (s.protectionReached) n++;
        this.set(n);
      },
    });
    new Gauge({
      name: 'cairn_journal_size',
      help: 'Events held in the journal',
      registers,
      collect() {
        this.set(journal.size);
      },
    });
    new Gauge({
      name: 'cairn_push_subscribers',
      help: 'UDP push subscribers',
      registers,
      collect() {
        this.set(extra.subscribers());
      },
    });
    new Gauge({
      name: 'cairn_service_subscribers',
      help: 'Live UDP push subscribers by service',
      labelNames: ['namespace', 'group', 'service'],
      registers,
      collect() {
        // Reset first: a service whose last subscriber left must drop out, not keep its old count.
        this.reset();
        const counts = new Map<string, SubscribedService & { n: number }>();
        for (const s of extra.subscriptions?.() ?? []) {
          const key = `${s.namespace}\u0000${s.group}\u0000${s.name}`;
          const found = counts.get(key);
          if (found) found.n++;
          else counts.set(key, { ...s, n: 1 });
        }
        for (const c of counts.values()) this.set({ namespace: c.namespace, group: c.group, service: c.name }, c.n);
      },
    });
    new Counter({
      name: 'cairn_limit_refusals_total',
      help: 'New instances, services and UDP subscribers refused because a limit was reached, by limit',
      labelNames: ['limit'],
      registers,
      collect() {
        this.reset();
        const counts = new Map(limitRefusals);
        for (const [limit, n] of Object.entries(extra.subscriberRefusals?.() ?? {})) counts.set(limit, (counts.get(limit) ?? 0) + n);
        if (extra.heap) counts.set('heap', extra.heap.refused);
        for (const [limit, n] of counts) this.inc({ limit }, n);
      },
    });
    const heap = extra.heap;
    new Gauge({
      name: 'cairn_heap_pressure',
      help: '1 while new instances and services are refused because the heap is near its limit (--heap-refuse-percent), else 0',
      registers,
      collect() {
        this.set(heap?.underPressure ? 1 : 0);
      },
    });
    new Gauge({
      name: 'cairn_heap_used_ratio',
      help: 'V8 heap in use as a share of its limit, as the heap watch last sampled it',
      registers,
      collect() {
        this.set(heap?.usedRatio ?? 0);
      },
    });
    new Counter({
      name: 'cairn_push_packets_total',
      help: 'UDP push packets by outcome (sent, acked, retried, failed)',
      labelNames: ['outcome'],
      registers,
      collect() {
        // The push keeps its own running totals; copy them in at scrape time.
        const s = extra.pushStats();
        this.reset();
        for (const outcome of ['sent', 'acked', 'retried', 'failed'] as const) this.inc({ outcome }, s[outcome]);
      },
    });
  }
}
