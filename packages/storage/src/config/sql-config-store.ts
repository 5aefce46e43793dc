import type { ConfigHistoryRecord, ConfigItem, ConfigKey, ConfigStore, ConfigWriteBatch, HistoryPage } from '@cairn/core';
import { num } from '../drivers/row-values.js';
import { upsertSql, type SqlDriver, type SqlStatement } from '../drivers/sql-driver.js';
import { CONFIG_COLUMNS, configOf, configValues, HISTORY_COLUMNS, historyOf, historyValues } from './config-rows.js';

const KEY = 'namespace = ? AND group_name = ? AND data_id = ?';
const HISTORY_SELECT = `SELECT ${HISTORY_COLUMNS.join(', ')} FROM config_history`;

/**
 * The ConfigStore on any SQL database the drivers cover (tables `configs` and `config_history`). The store does not
 * own the driver: whoever opened the database closes it.
 *
 * @example
 *   const config = new SqlConfigStore(await openSqlite('./data/cairn.db'));
 */
export class SqlConfigStore implements ConfigStore {
  private readonly upsert: string;
  private readonly insertHistory = `INSERT INTO config_history (${HISTORY_COLUMNS.join(', ')}) VALUES (${HISTORY_COLUMNS.map(() => '?').join(', ')})`;

  constructor(private readonly db: SqlDriver) {
    const update = CONFIG_COLUMNS.filter((c) => c !== 'namespace' && c !== 'group_name' && c !== 'data_id');
    this.upsert = upsertSql(db.dialect, 'configs', CONFIG_COLUMNS, ['namespace', 'group_name', 'data_id'], update);
  }

  async loadConfigs(): Promise<ConfigItem[]> {
    return (await this.db.query(`SELECT ${CONFIG_COLUMNS.join(', ')} FROM configs ORDER BY namespace, group_name, data_id`)).map(configOf);
  }

  async lastHistoryId(): Promise<number> {
    const [row] = await this.db.query('SELECT MAX(id) AS last FROM config_history');
    return row?.last === null || row?.last === undefined ? 0 : num(row.last);
  }

  async writeConfigs(batch: ConfigWriteBatch): Promise<void> {
    const statements: SqlStatement[] = [
      ...batch.save.map((c) => ({ sql: this.upsert, params: configValues(c) })),
      ...batch.remove.map((k) => ({ sql: `DELETE FROM configs WHERE ${KEY}`, params: [k.namespace, k.group, k.dataId] })),
      ...batch.history.map((h) => ({ sql: this.insertHistory, params: historyValues(h) })),
    ];
    if (statements.length > 0) await this.db.batch(statements);
  }

  async historyOf(key: ConfigKey, page: number, pageSize: number): Promise<HistoryPage> {
    const params = [key.namespace, key.group, key.dataId];
    const [count] = await this.db.query(`SELECT COUNT(*) AS total FROM config_history WHERE ${KEY}`, params);
    const offset = Math.max(0, page - 1) * pageSize;
    const rows = await this.db.query(`${HISTORY_SELECT} WHERE ${KEY} ORDER BY id DESC LIMIT ${Math.trunc(pageSize)} OFFSET ${Math.trunc(offset)}`, params);
    return { total: num(count?.total ?? 0), items: rows.map(historyOf) };
  }

  async historyById(id: number): Promise<ConfigHistoryRecord | undefined> {
    const [row] = await this.db.query(`${HISTORY_SELECT} WHERE id = ?`, [id]);
    return row ? historyOf(row) : undefined;
  }

  async previousHistory(id: number): Promise<ConfigHistoryRecord | undefined> {
    const current = await this.historyById(id);
    if (!current) return undefined;
    const [row] = await this.db.query(`${HISTORY_SELECT} WHERE ${KEY} AND id < ? ORDER BY id DESC LIMIT 1`, [current.namespace, current.group, current.dataId, id]);
    return row ? historyOf(row) : undefined;
  }

  async pruneHistory(before: number): Promise<void> {
    await this.db.query('DELETE FROM config_history WHERE at_ms < ?', [before]);
  }
}
