import type { Cause } from '../journal/causes.js';
import type { Evidence } from '../journal/journal.js';
import type { ReadonlyService } from './readonly-model.js';

/**
 * One instance changed state (or a request about one was refused), with the cause and its evidence. The journal
 * records it; persistence stores persistent instances named by it; probes follow persistent instances with it.
 */
export interface InstanceEvent {
  readonly type: 'instance';
  readonly at: number;
  readonly cause: Cause;
  readonly namespace: string;
  readonly group: string;
  readonly service: string;
  readonly cluster: string;
  readonly ip: string;
  readonly port: number;
  readonly ephemeral?: boolean;
  /** Health after the event, where the event concerns a live instance. */
  readonly healthy?: boolean;
  readonly evidence: Evidence;
}

/** Something happened to a service as a whole (created, edited, removed, protect threshold crossed). */
export interface ServiceEvent {
  readonly type: 'service';
  readonly at: number;
  readonly cause: Cause;
  readonly namespace: string;
  readonly group: string;
  readonly service: string;
  readonly evidence: Evidence;
}

/**
 * What consumers of a service see changed: its instances, their health or its definition (a new revision), or
 * the service was removed. Push, answer caches and persistence of service definitions follow it.
 */
export interface ServiceChanged {
  readonly type: 'service-changed';
  readonly service: ReadonlyService;
}

export type NamingEvent = InstanceEvent | ServiceEvent | ServiceChanged;
