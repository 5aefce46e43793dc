import type { InstanceEvent, ServiceEvent } from '../naming/naming-events.js';
import type { CairnEventBus } from '../domain-events.js';
import type { Unsubscribe } from '../shared/event-bus.js';
import type { Journal, NewJournalEvent } from './journal.js';

/** The journal's entry for a domain event: the same fields without the bus's `type`. */
export function journalEntryOf(event: InstanceEvent | ServiceEvent): NewJournalEvent {
  const { type: _type, ...entry } = event;
  return entry;
}

/**
 * Subscribes the journal to every instance and service event on the bus; returns the function that stops it.
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
  const stops = [bus.on('instance', record), bus.on('service', record)];
  return () => {
    for (const stop of stops) stop();
  };
}
