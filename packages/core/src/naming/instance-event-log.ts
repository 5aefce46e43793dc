import type { Cause } from '../journal/causes.js';
import type { Evidence } from '../journal/journal.js';
import type { DomainError } from '../shared/errors.js';
import type { EventPublisher } from '../shared/event-bus.js';
import type { Clock } from '../shared/time/clock.js';
import { beatStatsOf, meanGapMs } from './beat-stats.js';
import { Throttle } from './throttle.js';
import type { Beat, EditInstance, RegisterInstance } from './commands.js';
import type { Instance, Origin, Service } from './model.js';
import type { ServiceRef } from './names.js';
import type { NamingEvent } from './naming-events.js';
import { stripUndefined, verifiedUser } from './service-commands.js';

/**
 * Builds the `instance` events the registry publishes, with the evidence each cause carries (docs/journal.md lists
 * them), so the registry's commands say what happened and this file says how it is told.
 */
export class InstanceEventLog {
  // Under heap pressure every new entry is refused; one journal entry a second says so without the journal itself
  // growing the heap by one event per refused request (the refusal metric counts them all).
  private readonly overloadJournaled = new Throttle(1_000);

  constructor(
    private readonly clock: Clock,
    private readonly events: EventPublisher<NamingEvent>,
  ) {}

  /** A state change of a live (or just removed) instance. */
  record(cause: Cause, service: Service, instance: Instance, evidence: Evidence): void {
    this.events.publish({
      type: 'instance',
      at: this.clock.now(),
      cause,
      namespace: service.namespace,
      group: service.group,
      service: service.name,
      cluster: instance.cluster,
      ip: instance.ip,
      port: instance.port,
      ephemeral: instance.ephemeral,
      healthy: instance.healthy,
      evidence,
    });
  }

  /** No beat within the timeout: what the client last did and how it beat before. */
  beatMissed(service: Service, instance: Instance): void {
    this.record('BEAT_MISSED', service, instance, this.silence(instance, { timeoutMs: instance.timing.timeoutMs }));
  }

  /** The evidence of a removal after the delete timeout. */
  expiryEvidence(instance: Instance): Evidence {
    return { ...this.silence(instance, { deleteTimeoutMs: instance.timing.deleteTimeoutMs }), lateBeats: beatStatsOf(instance).lateCount };
  }

  registrationRejected(cmd: RegisterInstance, origin: Origin, error: DomainError): void {
    if (!this.journalsRefusal(error)) return;
    this.attempt('REGISTRATION_REJECTED', cmd, cmd.ephemeral, {
      reason: error.message,
      code: error.code,
      field: error.field ?? null,
      from: origin.ip,
      agent: origin.agent ?? null,
      via: origin.via,
      ...verifiedUser(origin),
    });
  }

  /** An explicit service creation refused by a limit, told like a refused registration (the service does not exist). */
  serviceRejected(ref: ServiceRef, origin: Origin, error: DomainError): void {
    if (!this.journalsRefusal(error)) return;
    this.events.publish({
      type: 'service',
      at: this.clock.now(),
      cause: 'SERVICE_CREATE_REJECTED',
      namespace: ref.namespace,
      group: ref.group,
      service: ref.name,
      evidence: { reason: error.message, code: error.code, field: error.field ?? null, by: origin.ip, via: origin.via, ...verifiedUser(origin) },
    });
  }

  unknownBeat(cmd: Beat, origin: Origin): void {
    this.attempt('BEAT_UNKNOWN_INSTANCE', cmd, true, { from: origin.ip, agent: origin.agent ?? null, via: origin.via, ...verifiedUser(origin) });
  }

  /** An operator edit, recorded whether or not the instance is there now (the overlay outlives it). */
  edited(service: Service, cmd: EditInstance, origin: Origin): void {
    this.events.publish({
      type: 'instance',
      at: this.clock.now(),
      cause: 'INSTANCE_EDITED',
      namespace: service.namespace,
      group: service.group,
      service: service.name,
      cluster: cmd.cluster,
      ip: cmd.ip,
      port: cmd.port,
      evidence: stripUndefined({
        enabled: cmd.enabled,
        weight: cmd.weight,
        metadata: cmd.metadata ? JSON.stringify(cmd.metadata) : undefined,
        by: origin.ip,
        claimedUser: origin.claimedUser ?? null,
        user: origin.user,
        via: origin.via,
      }) as Evidence,
    });
  }

  /** A request about an instance that is not (or not yet) in the registry. */
  private journalsRefusal(error: DomainError): boolean {
    return error.code !== 'OVERLOADED' || this.overloadJournaled.allow(error.field ?? '', this.clock.now());
  }

  private attempt(cause: Cause, cmd: RegisterInstance | Beat, ephemeral: boolean, evidence: Evidence): void {
    this.events.publish({
      type: 'instance',
      at: this.clock.now(),
      cause,
      namespace: cmd.namespace,
      group: cmd.group,
      service: cmd.name,
      cluster: cmd.cluster,
      ip: cmd.ip,
      port: cmd.port,
      ephemeral,
      evidence,
    });
  }

  /** How long the client has been silent, its limit (in the order the events API has always shown), and its beats. */
  private silence(instance: Instance, limit: Evidence): Evidence {
    const beats = beatStatsOf(instance);
    return {
      lastBeatAt: instance.lastBeatAt,
      silentMs: this.clock.now() - instance.lastBeatAt,
      ...limit,
      lastBeatFrom: instance.lastSeenFrom,
      agent: instance.lastSeenAgent,
      beats: beats.count,
      meanGapMs: Math.round(meanGapMs(beats)),
      maxGapMs: beats.maxGapMs,
    };
  }
}
