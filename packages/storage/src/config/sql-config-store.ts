import type { ConfigChangeKey, ConfigGray, ConfigHistoryRecord, ConfigItem, ConfigKey, ConfigStore, ConfigWriteBatch, HistoryIdBlock, HistoryPage } from '@cairn/core';
import { num } from '../drivers/row-values.js';
import { upsertSql, type Row, type SqlDriver, type SqlStatement } from '../drivers/sql-driver.js';
import { GRAY_COLUMNS, GRAY_KEY, grayOf, grayValues, HISTORY_GRAY_COLUMNS, historyGrayOf, historyGrayValues } from './config-gray-rows.js';
import { FIELD_COLUMNS, FIELD_KEY, FIELD_SELECT, fieldsOf, fieldValues, HISTORY_FIELD_COLUMNS, historyFieldsOf, historyFieldValues } from './config-field-rows.js';
import { CONFIG_COLUMNS, configOf, configValues, HISTORY_COLUMNS, historyOf, historyValues } from './config-rows.js';

const KEY = 'namespace = ? AND group_name = ? AND data_id = ?';
const H_KEY = 'h.namespace = ? AND h.group_name = ? AND h.data_id = ?';
// A gray version's record has its gray name and rule in config_history_gray (a table of its own, so that adding
// gray releases needed no ALTER of config_history, which MySQL cannot make re-runnable).
// A main version's record has its other fields in config_history_fields (columns read as hf_*).
const HISTORY_FIELDS = HISTORY_FIELD_COLUMNS.filter((c) => c !== 'id' && c !== 'at_ms').map((c) => `f.${c} AS hf_${c}`);
const HISTORY_SELECT = `SELECT ${HISTORY_COLUMNS.map((c) => `h.${c}`).join(', ')}, g.gray_name, g.gray_rule, ${HISTORY_FIELDS.join(', ')} FROM config_history h LEFT JOIN config_history_gray g ON g.id = h.id LEFT JOIN config_history_fields f ON f.id = h.id`;
const CONFIG_SELECT = `SELECT ${CONFIG_COLUMNS.map((c) => `c.${c}`).join(', ')}, ${FIELD_SELECT.map((c) => `f.${c}`).join(', ')} FROM configs c LEFT JOIN config_fields f ON ${FIELD_KEY.map((k) => `f.${k} = c.${k}`).join(' AND ')}`;

/**
 * cluster_sequence's row for config history ids (row 1 numbers the change log). Made on first use, at the largest
 * history id stored, so a database that served a standalone node keeps its ids.
 */
const HISTORY_ID_ROW = 2;

function historyRecordOf(r: Row): ConfigHistoryRecord {
  return { ...historyOf(r), ...historyFieldsOf(r), ...historyGrayOf(r) };
}

/** The keys a write saved or removed, as the change log names them (history alone changes no key). */
function changedKeys(batch: ConfigWriteBatch): ConfigChangeKey[] {
  const key = (k: ConfigKey): ConfigChangeKey => ({ namespace: k.namespace, group: k.group, dataId: k.dataId });
  return [...batch.save.map(key), ...batch.remove.map(key), ...[...(batch.saveGrays ?? []), ...(batch.removeGrays ?? [])].map((g) => ({ ...key(g), grayName: g.grayName }))];
}

/**
 * The ConfigStore on any SQL database the drivers cover (tables `configs`, `config_fields`, `config_grays`, `config_history`, `config_history_fields` and `config_history_gray`). The store does not
 * own the driver: whoever opened the database closes it.
 *
 * @example
 *   const config = new SqlConfigStore(await openSqlite('./data/cairn.db'));
 */
export class SqlConfigStore implements ConfigStore {
  private readonly upsert: string;
  private readonly insertHistory = `INSERT INTO config_history (${HISTORY_COLUMNS.join(', ')}) VALUES (${HISTORY_COLUMNS.map(() => '?').join(', ')})`;
  private readonly insertHistoryGray = `INSERT INTO config_history_gray (${HISTORY_GRAY_COLUMNS.join(', ')}) VALUES (${HISTORY_GRAY_COLUMNS.map(() => '?').join(', ')})`;
  private readonly upsertGray: string;
  private readonly upsertFields: string;
  private readonly insertHistoryFields = `INSERT INTO config_history_fields (${HISTORY_FIELD_COLUMNS.join(', ')}) VALUES (${HISTORY_FIELD_COLUMNS.map(() => '?').join(', ')})`;

  constructor(private readonly db: SqlDriver) {
    const update = CONFIG_COLUMNS.filter((c) => c !== 'namespace' && c !== 'group_name' && c !== 'data_id');
    this.upsert = upsertSql(db.dialect, 'configs', CONFIG_COLUMNS, ['namespace', 'group_name', 'data_id'], update);
    const grayUpdate = GRAY_COLUMNS.filter((c) => !(GRAY_KEY as readonly string[]).includes(c));
    this.upsertGray = upsertSql(db.dialect, 'config_grays', GRAY_COLUMNS, GRAY_KEY, grayUpdate);
    this.upsertFields = upsertSql(db.dialect, 'config_fields', FIELD_COLUMNS, FIELD_KEY, FIELD_SELECT);
  }

  async loadGrays(): Promise<ConfigGray[]> {
    return (await this.db.query(`SELECT ${GRAY_COLUMNS.join(', ')} FROM config_grays ORDER BY namespace, group_name, data_id, gray_name`)).map(grayOf);
  }

  async loadConfigs(): Promise<ConfigItem[]> {
    return (await this.db.query(`${CONFIG_SELECT} ORDER BY c.namespace, c.group_name, c.data_id`)).map((r) => ({ ...configOf(r), ...fieldsOf(r) }));
  }

  async lastHistoryId(): Promise<number> {
    const [row] = await this.db.query('SELECT MAX(id) AS last FROM config_history');
    return row?.last === null || row?.last === undefined ? 0 : num(row.last);
  }

  async loadConfig(key: ConfigKey): Promise<ConfigItem | undefined> {
    const [row] = await this.db.query(`${CONFIG_SELECT} WHERE c.namespace = ? AND c.group_name = ? AND c.data_id = ?`, [key.namespace, key.group, key.dataId]);
    return row ? { ...configOf(row), ...fieldsOf(row) } : undefined;
  }

  async loadGraysOf(key: ConfigKey): Promise<ConfigGray[]> {
    return (await this.db.query(`SELECT ${GRAY_COLUMNS.join(', ')} FROM config_grays WHERE ${KEY} ORDER BY gray_name`, [key.namespace, key.group, key.dataId])).map(grayOf);
  }

  async reserveHistoryIds(count: number): Promise<HistoryIdBlock> {
    const size = Math.max(1, Math.trunc(count));
    const create = this.db.dialect === 'mysql' ? 'INSERT IGNORE INTO cluster_sequence (id, seq) VALUES (?, 0)' : 'INSERT INTO cluster_sequence (id, seq) VALUES (?, 0) ON CONFLICT (id) DO NOTHING';
    const greatest = this.db.dialect === 'sqlite' ? 'MAX' : 'GREATEST';
    // On its own: inside the transaction, MySQL's shared lock on the existing row would deadlock two reservations.
    await this.db.query(create, [HISTORY_ID_ROW]);
    // The update locks the row until commit, so the read after it sees this batch's value and no other node's.
    const [row] = await this.db.batch([
      { sql: `UPDATE cluster_sequence SET seq = ${greatest}(seq, (SELECT COALESCE(MAX(id), 0) FROM config_history)) + ? WHERE id = ?`, params: [size, HISTORY_ID_ROW] },
      { sql: 'SELECT seq FROM cluster_sequence WHERE id = ?', params: [HISTORY_ID_ROW] },
    ]);
    const last = num(row?.seq);
    return { first: last - size + 1, last };
  }

  async writeConfigs(batch: ConfigWriteBatch): Promise<void> {
    const statements: SqlStatement[] = [
      ...batch.save.flatMap((c) => [
        { sql: this.upsert, params: configValues(c) },
        { sql: this.upsertFields, params: fieldValues(c) },
      ]),
      ...batch.remove.flatMap((k) => [
        { sql: `DELETE FROM configs WHERE ${KEY}`, params: [k.namespace, k.group, k.dataId] },
        { sql: `DELETE FROM config_fields WHERE ${KEY}`, params: [k.namespace, k.group, k.dataId] },
      ]),
      ...(batch.saveGrays ?? []).map((g) => ({ sql: this.upsertGray, params: grayValues(g) })),
      ...(batch.removeGrays ?? []).map((k) => ({ sql: `DELETE FROM config_grays WHERE ${KEY} AND gray_name = ?`, params: [k.namespace, k.group, k.dataId, k.grayName] })),
      ...batch.history.map((h) => ({ sql: this.insertHistory, params: historyValues(h) })),
      ...batch.history.flatMap((h) => (h.gray ? [{ sql: this.insertHistoryGray, params: historyGrayValues({ ...h, gray: h.gray }) }] : [])),
      ...batch.history.flatMap((h) => (h.fields ? [{ sql: this.insertHistoryFields, params: historyFieldValues({ ...h, fields: h.fields }) }] : [])),
    ];
    if (statements.length > 0) await this.db.batch(statements, { context: 'config', keys: changedKeys(batch) });
  }

  async historyOf(key: ConfigKey, page: number, pageSize: number): Promise<HistoryPage> {
    const params = [key.namespace, key.group, key.dataId];
    const [count] = await this.db.query(`SELECT COUNT(*) AS total FROM config_history WHERE ${KEY}`, params);
    const offset = Math.max(0, page - 1) * pageSize;
    const rows = await this.db.query(`${HISTORY_SELECT} WHERE ${H_KEY} ORDER BY h.id DESC LIMIT ${Math.trunc(pageSize)} OFFSET ${Math.trunc(offset)}`, params);
    return { total: num(count?.total ?? 0), items: rows.map(historyRecordOf) };
  }

  async historyById(id: number): Promise<ConfigHistoryRecord | undefined> {
    const [row] = await this.db.query(`${HISTORY_SELECT} WHERE h.id = ?`, [id]);
    return row ? historyRecordOf(row) : undefined;
  }

  async previousHistory(id: number): Promise<ConfigHistoryRecord | undefined> {
    const current = await this.historyById(id);
    if (!current) return undefined;
    const [row] = await this.db.query(`${HISTORY_SELECT} WHERE ${H_KEY} AND h.id < ? ORDER BY h.id DESC LIMIT 1`, [current.namespace, current.group, current.dataId, id]);
    return row ? historyRecordOf(row) : undefined;
  }

  async pruneHistory(before: number): Promise<void> {
    await this.db.batch([
      { sql: 'DELETE FROM config_history WHERE at_ms < ?', params: [before] },
      { sql: 'DELETE FROM config_history_gray WHERE at_ms < ?', params: [before] },
      { sql: 'DELETE FROM config_history_fields WHERE at_ms < ?', params: [before] },
    ]);
  }
}
