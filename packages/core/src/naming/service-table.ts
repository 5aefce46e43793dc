import type { Cause } from '../journal/causes.js';
import type { Evidence } from '../journal/journal.js';
import type { EventPublisher } from '../shared/event-bus.js';
import type { Clock } from '../shared/time/clock.js';
import { healthCounts } from './instance-view.js';
import type { Service } from './model.js';
import type { NamingEvent } from './naming-events.js';
import { serviceKey, type ServiceRef } from './names.js';
import { reachesProtectThreshold } from './protect-threshold.js';

/**
 * All services, and the bookkeeping every change of one needs: a new revision, the protect-threshold state,
 * emptiness for cleanup, and the `service-changed` event that push, caches and persistence follow.
 */
export class ServiceTable {
  private readonly byKey = new Map<string, Service>();
  private readonly perNamespace = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher<NamingEvent>,
    private readonly scheduleCleanup: (service: Service) => void,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(ref: ServiceRef): Service | undefined {
    return this.byKey.get(serviceKey(ref));
  }

  /** For callers that already built the key (it is part of their own cache key). */
  getByKey(key: string): Service | undefined {
    return this.byKey.get(key);
  }

  all(): IterableIterator<Service> {
    return this.byKey.values();
  }

  /** Services in a namespace, counted as they come and go (the services-per-namespace limit reads it). */
  countIn(namespace: string): number {
    return this.perNamespace.get(namespace) ?? 0;
  }

  inNamespace(namespace: string): Service[] {
    return [...this.byKey.values()].filter((s) => s.namespace === namespace);
  }

  getOrCreate(ref: ServiceRef): Service {
    return this.get(ref) ?? this.create(ref, false);
  }

  create(ref: ServiceRef, explicit: boolean): Service {
    const now = this.clock.now();
    const service: Service = {
      namespace: ref.namespace,
      group: ref.group,
      name: ref.name,
      key: serviceKey(ref),
      kind: undefined,
      protectThreshold: 0,
      metadata: {},
      selector: { type: 'none' },
      clusters: new Map(),
      instances: new Map(),
      overlays: new Map(),
      createdAt: now,
      revision: 0,
      lastChangeAt: now,
      emptySince: now,
      explicit,
      protectionReached: false,
      removed: false,
    };
    this.byKey.set(service.key, service);
    this.perNamespace.set(ref.namespace, this.countIn(ref.namespace) + 1);
    if (!explicit) this.scheduleCleanup(service);
    return service;
  }

  /** Call after every visible change of a service. */
  changed(service: Service): void {
    const now = this.clock.now();
    service.revision++;
    service.lastChangeAt = Math.max(now, service.lastChangeAt + 1);
    this.updateProtection(service);
    if (service.instances.size === 0) {
      if (service.emptySince === undefined) {
        service.emptySince = now;
        if (!service.explicit) this.scheduleCleanup(service);
      }
    } else {
      service.emptySince = undefined;
    }
    this.events.publish({ type: 'service-changed', service });
  }

  /** Called by the cleanup deadline: removes the service if it is still empty and implicit. */
  expireEmpty(service: Service, ttlMs: number): boolean {
    if (service.removed || service.explicit || service.emptySince === undefined) return false;
    const emptyFor = this.clock.now() - service.emptySince;
    if (emptyFor < ttlMs) return false;
    this.remove(service, 'SERVICE_EXPIRED_EMPTY', { emptyForMs: emptyFor });
    return true;
  }

  remove(service: Service, cause: Cause, evidence: Evidence): void {
    if (this.byKey.delete(service.key)) {
      const left = this.countIn(service.namespace) - 1;
      if (left > 0) this.perNamespace.set(service.namespace, left);
      else this.perNamespace.delete(service.namespace);
    }
    service.removed = true;
    this.recordService(cause, service, evidence);
    service.revision++;
    this.events.publish({ type: 'service-changed', service });
  }

  recordService(cause: Cause, service: Service, evidence: Evidence): void {
    this.events.publish({ type: 'service', at: this.clock.now(), cause, namespace: service.namespace, group: service.group, service: service.name, evidence });
  }

  private updateProtection(service: Service): void {
    // Without a threshold nothing can trip: skip the walk over the instances, which on a large service would make
    // every registration cost O(instances).
    if (service.protectThreshold <= 0 && !service.protectionReached) return;
    const { healthy, total } = healthCounts(service);
    const reached = reachesProtectThreshold(service.protectThreshold, healthy, total);
    if (reached === service.protectionReached) return;
    service.protectionReached = reached;
    this.recordService(reached ? 'PROTECT_THRESHOLD_REACHED' : 'PROTECT_THRESHOLD_CLEARED', service, {
      healthy,
      total,
      threshold: service.protectThreshold,
    });
  }
}
