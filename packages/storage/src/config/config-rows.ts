import { configTypeOf, type ConfigAuthor, type ConfigHistoryRecord, type ConfigItem, type ConfigOp } from '@cairn/core';
import { json, num, str } from '../drivers/row-values.js';
import type { Row, SqlValue } from '../drivers/sql-driver.js';

export const CONFIG_COLUMNS = ['namespace', 'group_name', 'data_id', 'id', 'content', 'md5', 'type', 'app_name', 'description', 'tags', 'created_at', 'modified_at', 'created_by', 'modified_by'] as const;
export const HISTORY_COLUMNS = ['id', 'namespace', 'group_name', 'data_id', 'op', 'content', 'md5', 'app_name', 'type', 'author', 'at_ms'] as const;

export function configValues(c: ConfigItem): SqlValue[] {
  return [c.namespace, c.group, c.dataId, c.id, c.content, c.md5, c.type, c.appName, c.desc, JSON.stringify(c.tags), c.createdAt, c.modifiedAt, JSON.stringify(c.createdBy), JSON.stringify(c.modifiedBy)];
}

export function historyValues(h: ConfigHistoryRecord): SqlValue[] {
  return [h.id, h.namespace, h.group, h.dataId, h.op, h.content, h.md5, h.appName, h.type, JSON.stringify(h.author), h.at];
}

/** A `configs` row; `use`, `effect`, `schema` and `encryptedDataKey` live in `config_fields` (config-field-rows.ts). */
export function configOf(r: Row): Omit<ConfigItem, 'use' | 'effect' | 'schema' | 'encryptedDataKey'> {
  return {
    namespace: str(r.namespace),
    group: str(r.group_name),
    dataId: str(r.data_id),
    id: num(r.id),
    content: str(r.content),
    md5: str(r.md5),
    type: configTypeOf(str(r.type)),
    appName: str(r.app_name),
    desc: str(r.description),
    tags: json<string[]>(r.tags),
    createdAt: num(r.created_at),
    modifiedAt: num(r.modified_at),
    createdBy: json<ConfigAuthor>(r.created_by),
    modifiedBy: json<ConfigAuthor>(r.modified_by),
  };
}

export function historyOf(r: Row): ConfigHistoryRecord {
  return {
    id: num(r.id),
    namespace: str(r.namespace),
    group: str(r.group_name),
    dataId: str(r.data_id),
    op: str(r.op) as ConfigOp,
    content: str(r.content),
    md5: str(r.md5),
    appName: str(r.app_name),
    type: configTypeOf(str(r.type)),
    author: json<ConfigAuthor>(r.author),
    at: num(r.at_ms),
  };
}
