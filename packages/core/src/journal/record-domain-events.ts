import type { InstanceEvent, ServiceEvent } from '../naming/naming-events.js';
import type { ConfigChangedEvent, ConfigGrayChangedEvent } from '../config/config-events.js';
import { grayExpr } from '../config/gray/gray-model.js';
import type { CairnEventBus } from '../domain-events.js';
import type { Unsubscribe } from '../shared/event-bus.js';
import type { Journal, NewJournalEvent } from './journal.js';

/** The journal's entry for a domain event: the same fields without the bus's `type`. */
export function journalEntryOf(event: InstanceEvent | ServiceEvent): NewJournalEvent {
  const { type: _type, ...entry } = event;
  return entry;
}

/**
 * The journal's entry for a config publish or delete: the key (`service` is `""`), and as evidence the op, the new
 * md5 (`""` after a delete), the type, the history id and who claimed to make the change.
 */
export function journalEntryOfConfig(event: ConfigChangedEvent): NewJournalEvent {
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

const GRAY_CAUSES = { published: 'CONFIG_GRAY_PUBLISHED', stopped: 'CONFIG_GRAY_STOPPED', promoted: 'CONFIG_GRAY_PROMOTED' } as const;

/** The journal's cause for a gray change. */
export function causeOfGrayChange(event: ConfigGrayChangedEvent): (typeof GRAY_CAUSES)[keyof typeof GRAY_CAUSES] {
  return GRAY_CAUSES[event.change];
}

/**
 * The journal's entry for a gray change: the key, and as evidence the gray name, its rule (`kind`, and `betaIps` or
 * `tag`), the op, the gray version's md5 (`""` once gone), the history id, who claimed the change, and `reason`
 * `config-removed` when the stop came with deleting the config.
 */
export function journalEntryOfGray(event: ConfigGrayChangedEvent): NewJournalEvent {
  const { author, rule } = event;
  return {
    at: event.at,
    cause: causeOfGrayChange(event),
    namespace: event.namespace,
    group: event.group,
    service: '',
    dataId: event.dataId,
    evidence: {
      grayName: event.grayName,
      kind: rule.kind,
      rule: grayExpr(rule),
      op: event.op,
      md5: event.md5,
      historyId: event.historyId,
      from: author.sourceIp,
      agent: author.clientAgent,
      claimedUser: author.claimedUser,
      ...(event.reason ? { reason: event.reason } : {}),
    },
  };
}

/**
 * Subscribes the journal to every instance, service and config event on the bus; returns the function that stops it.
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
  const stops = [bus.on('instance', record), bus.on('service', record), bus.on('config', (event) => journal.append(journalEntryOfConfig(event))), bus.on('config-gray', (event) => journal.append(journalEntryOfGray(event)))];
  return () => {
    for (const stop of stops) stop();
  };
}
