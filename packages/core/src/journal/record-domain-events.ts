import type { InstanceEvent, ServiceEvent } from '../naming/naming-events.js';
import type { ConfigClientEvent, ConfigEvent } from '../config/config-events.js';
import type { CairnEventBus } from '../domain-events.js';
import type { Unsubscribe } from '../shared/event-bus.js';
import type { Evidence, Journal, NewJournalEvent } from './journal.js';

/** The journal's entry for a domain event: the same fields without the bus's `type`. */
export function journalEntryOf(event: InstanceEvent | ServiceEvent): NewJournalEvent {
  const { type: _type, ...entry } = event;
  return entry;
}

/**
 * The journal's entry for a config publish or delete: the key (`service` is `""`), and as evidence the op, the new
 * md5 (`""` after a delete), the type, the history id and who claimed to make the change.
 */
export function journalEntryOfConfig(event: ConfigEvent): NewJournalEvent {
  const { author } = event;
  return {
    at: event.at,
    cause: event.op === 'D' ? 'CONFIG_REMOVED' : 'CONFIG_PUBLISHED',
    namespace: event.namespace,
    group: event.group,
    service: '',
    dataId: event.dataId,
    evidence: {
      op: event.op,
      md5: event.md5,
      type: event.history.type,
      historyId: event.historyId,
      from: author.sourceIp,
      agent: author.clientAgent,
      claimedUser: author.claimedUser,
    },
  };
}

/**
 * The journal's entry for what a config client did (held, notified, fetched): the key, and as evidence who
 * (`from`, `agent`, `tag` when sent), through which route (`via`) and the md5s.
 */
export function journalEntryOfConfigClient(event: ConfigClientEvent): NewJournalEvent {
  const { type: _type, cause, at, namespace, group, dataId, ip, agent, via, tag, ...facts } = event;
  const evidence: Evidence = { from: ip, agent, via, ...(tag === undefined ? {} : { tag }), ...facts };
  if (cause === 'CONFIG_LISTENER_HELD') evidence.current = true;
  return { at, cause, namespace, group, service: '', dataId, evidence };
}

/**
 * Subscribes the journal to every instance, service, config and config client event on the bus; returns the function that stops it.
 *
 * @example
 *   const bus = new EventBus<CairnEvent>();
 *   const journal = new Journal(DEFAULT_JOURNAL);
 *   const stop = recordDomainEvents(journal, bus);
 */
export function recordDomainEvents(journal: Journal, bus: CairnEventBus): Unsubscribe {
  const record = (event: InstanceEvent | ServiceEvent): void => {
    journal.append(journalEntryOf(event));
  };
  const stops = [bus.on('instance', record), bus.on('service', record), bus.on('config', (event) => journal.append(journalEntryOfConfig(event))), bus.on('configClient', (event) => journal.append(journalEntryOfConfigClient(event)))];
  return () => {
    for (const stop of stops) stop();
  };
}
