import {
  addressInstanceKey,
  addressOf,
  type ChangeNote,
  type InstanceAddress,
  type InstanceWriteBatch,
  type NamingChangeKey,
  type NamingStore,
  type NewJournalEvent,
  type OverlayAddress,
  type OwnedEphemeral,
  type OwnerEvent,
  type ServiceRef,
  type ServiceSnapshot,
  type StoredInstance,
  type StoredOverlay,
} from '@cairn/core';
import { upsertSql, type Row, type SqlDriver, type SqlStatement } from '../drivers/sql-driver.js';
import { INSTANCE_COLUMNS, JOURNAL_COLUMNS, OVERLAY_COLUMNS, instanceValues, journalValues, overlayValues, toInstance, toJournalEvent, toOverlay, toService } from './naming-rows.js';

// Rows per multi-row journal INSERT: 12 parameters each stays far below every driver's placeholder limit.
const JOURNAL_ROWS_PER_INSERT = 500;
// Ephemeral rows per multi-row upsert (14 parameters each), and addresses per IN list when reading them back.
const EPHEMERAL_ROWS_PER_UPSERT = 500;
const ADDRESSES_PER_READ = 500;

const SERVICE_COLUMNS = ['namespace', 'group_name', 'name', 'kind', 'protect_threshold', 'metadata', 'selector', 'clusters', 'updated_at'];
const ADDRESS = 'namespace = ? AND group_name = ? AND service = ? AND ip = ? AND port = ?';

/** Times are whole milliseconds in BIGINT columns; an unbounded time becomes the widest safe integer. */
function timeParam(ms: number): number {
  if (Number.isFinite(ms)) return Math.ceil(ms);
  return ms === Infinity ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/**
 * The NamingStore on any SQL database the drivers cover. One body of SQL for all three: the schemas use the
 * same table and column names, and only upserts and placeholders differ (handled by the driver layer). The store
 * does not own the driver: whoever opened the database closes it.
 *
 * @example
 *   const naming = new SqlNamingStore(openSqlite('./data/cairn.db'));
 */
export class SqlNamingStore implements NamingStore {
  private readonly sql: { service: string; instance: string; overlay: string; ephemeral: (rows: number) => string; ephemeralIfOwned: (rows: number) => string };

  constructor(private readonly db: SqlDriver) {
    const d = db.dialect;
    const notKey = (cols: readonly string[], key: readonly string[]) => cols.filter((c) => !key.includes(c));
    const instanceKey = ['namespace', 'group_name', 'service', 'ip', 'port'];
    const overlayKey = [...instanceKey, 'cluster'];
    const serviceKey = ['namespace', 'group_name', 'name'];
    this.sql = {
      service: upsertSql(d, 'services', SERVICE_COLUMNS, serviceKey, notKey(SERVICE_COLUMNS, serviceKey)),
      instance: upsertSql(d, 'instances', INSTANCE_COLUMNS, instanceKey, notKey(INSTANCE_COLUMNS, instanceKey)),
      overlay: upsertSql(d, 'instance_overlays', OVERLAY_COLUMNS, overlayKey, notKey(OVERLAY_COLUMNS, overlayKey)),
      ephemeral: (rows) => upsertSql(d, 'ephemeral_instances', [...INSTANCE_COLUMNS, 'owner'], instanceKey, notKey([...INSTANCE_COLUMNS, 'owner'], instanceKey), rows),
      // Changes an existing row only while this node still owns it (the owner column itself is not updated).
      ephemeralIfOwned: (rows) => upsertSql(d, 'ephemeral_instances', [...INSTANCE_COLUMNS, 'owner'], instanceKey, notKey(INSTANCE_COLUMNS, instanceKey), rows, 'owner'),
    };
  }

  async loadServices(): Promise<ServiceSnapshot[]> {
    return (await this.db.query('SELECT * FROM services ORDER BY namespace, group_name, name')).map(toService);
  }

  async loadService(ref: ServiceRef): Promise<ServiceSnapshot | undefined> {
    const rows = await this.db.query('SELECT * FROM services WHERE namespace = ? AND group_name = ? AND name = ?', [ref.namespace, ref.group, ref.name]);
    return rows.length === 0 ? undefined : toService(rows[0]);
  }

  // Single writes go through batch() too, naming their key: cluster mode logs it in the same transaction.
  async saveService(s: ServiceSnapshot): Promise<void> {
    const params = [s.namespace, s.group, s.name, s.kind, s.protectThreshold, JSON.stringify(s.metadata), JSON.stringify(s.selector), JSON.stringify(s.clusters), Date.now()];
    await this.db.batch([{ sql: this.sql.service, params }], naming([{ service: refOf(s) }]));
  }

  async deleteService(ref: ServiceRef): Promise<void> {
    await this.db.batch([{ sql: 'DELETE FROM services WHERE namespace = ? AND group_name = ? AND name = ?', params: [ref.namespace, ref.group, ref.name] }], naming([{ service: refOf(ref) }]));
  }

  async loadInstances(): Promise<StoredInstance[]> {
    return (await this.db.query('SELECT * FROM instances ORDER BY namespace, group_name, service, ip, port')).map(toInstance);
  }

  async loadInstance(a: InstanceAddress): Promise<StoredInstance | undefined> {
    const rows = await this.db.query(`SELECT * FROM instances WHERE ${ADDRESS}`, [a.namespace, a.group, a.service, a.ip, a.port]);
    return rows.length === 0 ? undefined : toInstance(rows[0]);
  }

  async saveInstance(instance: StoredInstance): Promise<void> {
    await this.db.batch([{ sql: this.sql.instance, params: instanceValues(instance) }], naming([{ instance: addressOf(instance) }]));
  }

  async deleteInstance(a: InstanceAddress): Promise<void> {
    await this.db.batch([{ sql: `DELETE FROM instances WHERE ${ADDRESS}`, params: [a.namespace, a.group, a.service, a.ip, a.port] }], naming([{ instance: addressOf(a) }]));
  }

  async loadOverlays(): Promise<StoredOverlay[]> {
    return (await this.db.query('SELECT * FROM instance_overlays ORDER BY namespace, group_name, service, ip, port, cluster')).map(toOverlay);
  }

  async loadOverlay(a: OverlayAddress): Promise<StoredOverlay | undefined> {
    const rows = await this.db.query(`SELECT * FROM instance_overlays WHERE ${ADDRESS} AND cluster = ?`, [a.namespace, a.group, a.service, a.ip, a.port, a.cluster]);
    return rows.length === 0 ? undefined : toOverlay(rows[0]);
  }

  async saveOverlay(overlay: StoredOverlay): Promise<void> {
    await this.db.batch([{ sql: this.sql.overlay, params: overlayValues(overlay) }], naming([{ overlay: { ...addressOf(overlay), cluster: overlay.cluster } }]));
  }

  async deleteOverlay(a: OverlayAddress): Promise<void> {
    await this.db.batch([{ sql: `DELETE FROM instance_overlays WHERE ${ADDRESS} AND cluster = ?`, params: [a.namespace, a.group, a.service, a.ip, a.port, a.cluster] }], naming([{ overlay: { ...addressOf(a), cluster: a.cluster } }]));
  }

  async writeInstances(batch: InstanceWriteBatch): Promise<void> {
    const statements: SqlStatement[] = [
      ...batch.save.map((i) => ({ sql: this.sql.instance, params: instanceValues(i) })),
      ...batch.remove.map((a) => ({ sql: `DELETE FROM instances WHERE ${ADDRESS}`, params: [a.namespace, a.group, a.service, a.ip, a.port] })),
      ...journalInserts(batch.journal),
    ];
    // The journal's rows are not named: other nodes read the journal from the table when asked.
    const keys: NamingChangeKey[] = [...batch.save, ...batch.remove].map((a) => ({ instance: addressOf(a) }));
    if (statements.length > 0) await this.db.batch(statements, naming(keys));
  }

  async loadEphemerals(): Promise<OwnedEphemeral[]> {
    return (await this.db.query('SELECT * FROM ephemeral_instances ORDER BY namespace, group_name, service, ip, port')).map(toOwned);
  }

  async loadEphemeral(a: InstanceAddress): Promise<OwnedEphemeral | undefined> {
    const rows = await this.db.query(`SELECT * FROM ephemeral_instances WHERE ${ADDRESS}`, [a.namespace, a.group, a.service, a.ip, a.port]);
    return rows.length === 0 ? undefined : toOwned(rows[0]);
  }

  async loadEphemeralsAt(addresses: readonly InstanceAddress[]): Promise<OwnedEphemeral[]> {
    // Grouped by service, a few ips per statement: the primary key's prefix finds them.
    const byService = new Map<string, InstanceAddress[]>();
    for (const a of addresses) {
      const key = `${a.namespace}\n${a.group}\n${a.service}`;
      const list = byService.get(key);
      if (list) list.push(a);
      else byService.set(key, [a]);
    }
    const wanted = new Set(addresses.map(addressInstanceKey));
    const found: OwnedEphemeral[] = [];
    for (const list of byService.values()) {
      const { namespace, group, service } = list[0];
      const ips = [...new Set(list.map((a) => a.ip))];
      for (let from = 0; from < ips.length; from += ADDRESSES_PER_READ) {
        const chunk = ips.slice(from, from + ADDRESSES_PER_READ);
        const rows = await this.db.query(`SELECT * FROM ephemeral_instances WHERE namespace = ? AND group_name = ? AND service = ? AND ip IN (${chunk.map(() => '?').join(', ')})`, [namespace, group, service, ...chunk]);
        for (const row of rows.map(toOwned)) if (wanted.has(addressInstanceKey(row))) found.push(row);
      }
    }
    return found;
  }

  async writeEphemerals(owner: string, batch: { save: readonly (StoredInstance & { why?: OwnerEvent; claim?: boolean })[]; remove: readonly (InstanceAddress & { why?: OwnerEvent })[] }): Promise<void> {
    // A burst (a node's clients all registering again after a restart) is a few multi-row statements, not one per row.
    const statements: SqlStatement[] = [];
    // A claim (registered or beaten here) takes the row whoever owned it; any other write only a row still owned here.
    for (const [rows, sql] of [
      [batch.save.filter((i) => i.claim), this.sql.ephemeral],
      [batch.save.filter((i) => !i.claim), this.sql.ephemeralIfOwned],
    ] as const) {
      for (let from = 0; from < rows.length; from += EPHEMERAL_ROWS_PER_UPSERT) {
        const chunk = rows.slice(from, from + EPHEMERAL_ROWS_PER_UPSERT);
        statements.push({ sql: sql(chunk.length), params: chunk.flatMap((i) => [...instanceValues(i), owner]) });
      }
    }
    statements.push(...batch.remove.map((a) => ({ sql: `DELETE FROM ephemeral_instances WHERE ${ADDRESS} AND owner = ?`, params: [a.namespace, a.group, a.service, a.ip, a.port, owner] })));
    // Each key carries the owner's event, if any, for the other nodes' journals.
    const keys: NamingChangeKey[] = [...batch.save, ...batch.remove].map((a) => (a.why ? { ephemeral: addressOf(a), why: a.why } : { ephemeral: addressOf(a) }));
    if (statements.length > 0) await this.db.batch(statements, naming(keys));
  }

  async adoptEphemeralsOf(lost: string, adopter: string): Promise<OwnedEphemeral[]> {
    const owned = (await this.db.query('SELECT namespace, group_name, service, ip, port FROM ephemeral_instances WHERE owner = ?', [lost])).map(addressOfRow);
    if (owned.length === 0) return [];
    // The row locks the update takes decide: a second adopter's update waits for the first and then matches
    // nothing. Read afterwards (only the rows listed, not all of this node's), those this node owns are the ones
    // it took (a row another node took over by a beat meanwhile is that node's, rightly).
    await this.db.batch([{ sql: 'UPDATE ephemeral_instances SET owner = ? WHERE owner = ?', params: [adopter, lost] }], naming(owned.map((a) => ({ ephemeral: a }))));
    return (await this.loadEphemeralsAt(owned)).filter((row) => row.owner === adopter);
  }

  async appendJournal(events: readonly NewJournalEvent[]): Promise<void> {
    if (events.length > 0) await this.db.batch(journalInserts(events));
  }

  async loadJournal(since: number, limit: number): Promise<NewJournalEvent[]> {
    const count = Math.max(0, Math.floor(limit));
    if (count === 0) return [];
    // The id breaks ties between events of the same millisecond in the order they were appended.
    const rows = await this.db.query(`SELECT * FROM journal WHERE at_ms >= ? ORDER BY at_ms DESC, id DESC LIMIT ${count}`, [timeParam(since)]);
    return rows.map(toJournalEvent).reverse();
  }

  async pruneJournal(before: number, keep: number): Promise<void> {
    await this.db.query('DELETE FROM journal WHERE at_ms < ?', [timeParam(before)]);
    // The id of the newest event beyond `keep` is the cut: it and everything appended before it go. Two statements,
    // because MySQL refuses a DELETE whose subquery reads the table it deletes from; rows appended in between have
    // higher ids and stay.
    const count = Math.max(0, Math.floor(keep));
    const cut = await this.db.query(`SELECT id FROM journal ORDER BY id DESC LIMIT 1 OFFSET ${count}`);
    if (cut.length > 0) await this.db.query('DELETE FROM journal WHERE id <= ?', [Number(cut[0].id)]);
  }
}

/** Multi-row INSERTs for journal events, chunked to stay below every driver's placeholder limit. */
function journalInserts(events: readonly NewJournalEvent[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const row = `(${JOURNAL_COLUMNS.map(() => '?').join(', ')})`;
  for (let i = 0; i < events.length; i += JOURNAL_ROWS_PER_INSERT) {
    const chunk = events.slice(i, i + JOURNAL_ROWS_PER_INSERT);
    statements.push({ sql: `INSERT INTO journal (${JOURNAL_COLUMNS.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`, params: chunk.flatMap(journalValues) });
  }
  return statements;
}

function toOwned(row: Row): OwnedEphemeral {
  return { ...toInstance(row), owner: String(row.owner) };
}

function naming(keys: readonly NamingChangeKey[]): ChangeNote {
  return { context: 'naming', keys };
}

function refOf(ref: ServiceRef): ServiceRef {
  return { namespace: ref.namespace, group: ref.group, name: ref.name };
}

function addressOfRow(r: Row): InstanceAddress {
  return { namespace: String(r.namespace), group: String(r.group_name), service: String(r.service), ip: String(r.ip), port: Number(r.port) };
}
