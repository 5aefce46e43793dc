import type { Alarm, Clock } from '../time/clock.js';
import { DeadlineQueue } from '../time/deadline-queue.js';
import type { LifecycleSettings } from './lifecycle-settings.js';
import type { Instance, Service } from './model.js';

type Entry =
  | { kind: 'instance'; service: Service; instance: Instance }
  | { kind: 'service'; service: Service };

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
  private readonly queue = new DeadlineQueue<Entry>();
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
    this.push(due, { kind: 'instance', service, instance });
  }

  scheduleService(service: Service): void {
    this.push(this.clock.now() + this.settings.emptyServiceTtlMs, { kind: 'service', service });
  }

  /** Fires every entry due now, then re-arms the alarm for the next. */
  runDue(): void {
    const now = this.clock.now();
    this.armedAt = Infinity;
    for (let entry = this.queue.popDue(now); entry; entry = this.queue.popDue(now)) {
      const item = entry.item;
      if (item.kind === 'service') {
        this.actions.cleanEmptyService(item.service, this.settings.emptyServiceTtlMs);
        continue;
      }
      const { service, instance } = item;
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
    if (instance.healthy) {
      this.actions.markUnhealthy(service, instance);
      this.schedule(service, instance);
    } else {
      this.actions.expire(service, instance);
    }
  }

  /** When the instance's next transition is due: unhealthy at timeout, removal at delete timeout. */
  private dueAt(instance: Instance): number | undefined {
    if (!instance.ephemeral || instance.removed) return undefined;
    if (instance.healthy) return instance.lastBeatAt + instance.timing.timeoutMs;
    if (!this.settings.expireInstances) return undefined;
    return instance.lastBeatAt + instance.timing.deleteTimeoutMs;
  }

  private push(at: number, entry: Entry): void {
    this.queue.push(at, entry);
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
