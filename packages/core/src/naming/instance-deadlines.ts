import type { Alarm, Clock } from '../shared/time/clock.js';
import { DeadlineQueue } from '../shared/time/deadline-queue.js';
import type { LifecycleSettings } from './lifecycle-settings.js';
import type { Instance, Service } from './model.js';

export interface DeadlineActions {
  markUnhealthy(service: Service, instance: Instance): void;
  expire(service: Service, instance: Instance): void;
  cleanEmptyService(service: Service, ttlMs: number): void;
}

/**
 * Exact deadlines for ephemeral instances and empty services: one heap, one alarm set to the earliest entry.
 * A beat only moves `lastBeatAt`; when an entry fires early relative to the instance's real deadline it is
 * pushed again at that deadline. So a beat costs O(1) and each instance costs about one heap operation per
 * timeout period, while transitions still happen at their exact time.
 */
export class InstanceDeadlines {
  /** An instance's entry carries its service as owner; an empty service's entry is the service alone. */
  private readonly queue = new DeadlineQueue<Instance | Service, Service | undefined>();
  private armedAt = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly alarm: Alarm,
    private readonly settings: Readonly<LifecycleSettings>,
    private readonly actions: DeadlineActions,
  ) {}

  get pending(): number {
    return this.queue.size;
  }

  schedule(service: Service, instance: Instance): void {
    const due = this.dueAt(instance);
    if (due === undefined) return;
    if (instance.scheduledAt !== 0 && instance.scheduledAt <= due) return; // an earlier entry will re-check
    instance.scheduledAt = due;
    this.push(due, instance, service);
  }

  scheduleService(service: Service): void {
    this.push(this.clock.now() + this.settings.emptyServiceTtlMs, service, undefined);
  }

  /** Fires every entry due now, then re-arms the alarm for the next. */
  runDue(): void {
    const now = this.clock.now();
    this.armedAt = Infinity;
    for (let entry = this.queue.popDue(now); entry; entry = this.queue.popDue(now)) {
      const service = entry.owner;
      if (service === undefined) {
        this.actions.cleanEmptyService(entry.item as Service, this.settings.emptyServiceTtlMs);
        continue;
      }
      const instance = entry.item as Instance;
      if (instance.removed || instance.scheduledAt !== entry.at) continue;
      instance.scheduledAt = 0;
      this.fireInstance(service, instance, now);
    }
    this.rearm();
  }

  private fireInstance(service: Service, instance: Instance, now: number): void {
    const due = this.dueAt(instance);
    if (due === undefined) return;
    if (due > now) {
      this.schedule(service, instance);
      return;
    }
    const removeAt = this.removeAt(instance);
    if (removeAt !== undefined && removeAt <= now) {
      this.actions.expire(service, instance);
    } else {
      this.actions.markUnhealthy(service, instance);
      this.schedule(service, instance);
    }
  }

  /**
   * When the instance's next transition is due: unhealthy at the beat timeout, removal at the delete timeout.
   * Both count from the last beat and are independent (as in Nacos), so a delete timeout shorter than the
   * beat timeout removes a still-healthy instance at its delete timeout.
   */
  private dueAt(instance: Instance): number | undefined {
    // A connection keeps its instances alive: no beat timer runs while one holds it.
    if (!instance.ephemeral || instance.removed || (instance.holders?.connections.length ?? 0) > 0) return undefined;
    const removeAt = this.removeAt(instance);
    if (!instance.healthy) return removeAt;
    const unhealthyAt = instance.lastBeatAt + instance.timing.timeoutMs;
    return removeAt === undefined ? unhealthyAt : Math.min(unhealthyAt, removeAt);
  }

  private removeAt(instance: Instance): number | undefined {
    return this.settings.expireInstances ? instance.lastBeatAt + instance.timing.deleteTimeoutMs : undefined;
  }

  private push(at: number, item: Instance | Service, owner: Service | undefined): void {
    this.queue.push(at, item, owner);
    if (at < this.armedAt) {
      this.armedAt = at;
      this.alarm.set(at, () => this.runDue());
    }
  }

  private rearm(): void {
    const next = this.queue.peekAt();
    if (next === undefined) {
      this.alarm.cancel();
      return;
    }
    this.armedAt = next;
    this.alarm.set(next, () => this.runDue());
  }
}
