import type { ConfigHistoryRecord, ConfigItem } from '@cairn/core';
import { json, present, str } from '../drivers/row-values.js';
import type { Row, SqlValue } from '../drivers/sql-driver.js';

/**
 * Table `config_fields`: a config's `use`, `effect`, `schema` and `encryptedDataKey`, by config key. A table of its
 * own (as `config_history_gray`), so that adding them needed no ALTER of `configs`, which MySQL cannot make
 * re-runnable. Every save writes the row; a config read without one has these fields empty.
 */
export const FIELD_COLUMNS = ['namespace', 'group_name', 'data_id', 'config_use', 'config_effect', 'config_schema', 'encrypted_data_key'] as const;
export const FIELD_KEY = ['namespace', 'group_name', 'data_id'] as const;
export const FIELD_SELECT = FIELD_COLUMNS.filter((c) => !(FIELD_KEY as readonly string[]).includes(c));

/** Table `config_history_fields`: what a main version's history record keeps besides content (Nacos's `ext_info`). */
export const HISTORY_FIELD_COLUMNS = ['id', 'description', 'tags', 'config_use', 'config_effect', 'config_schema', 'encrypted_data_key', 'at_ms'] as const;

export function fieldValues(c: ConfigItem): SqlValue[] {
  return [c.namespace, c.group, c.dataId, c.use, c.effect, c.schema, c.encryptedDataKey];
}

/** A config's fields from a row with `config_fields` left-joined (null columns: no row, so empty). */
export function fieldsOf(r: Row): Pick<ConfigItem, 'use' | 'effect' | 'schema' | 'encryptedDataKey'> {
  return { use: text(r.config_use), effect: text(r.config_effect), schema: text(r.config_schema), encryptedDataKey: text(r.encrypted_data_key) };
}

export function historyFieldValues(h: ConfigHistoryRecord & { fields: NonNullable<ConfigHistoryRecord['fields']> }): SqlValue[] {
  const f = h.fields;
  return [h.id, f.desc, JSON.stringify(f.tags), f.use, f.effect, f.schema, f.encryptedDataKey, h.at];
}

/** A history record's `fields` from a row with `config_history_fields` left-joined (`tags` null: none kept). */
export function historyFieldsOf(r: Row): Pick<ConfigHistoryRecord, 'fields'> {
  if (!present(r.hf_tags)) return {};
  return {
    fields: {
      desc: str(r.hf_description),
      tags: json<string[]>(r.hf_tags),
      use: str(r.hf_config_use),
      effect: str(r.hf_config_effect),
      schema: str(r.hf_config_schema),
      encryptedDataKey: str(r.hf_encrypted_data_key),
    },
  };
}

function text(v: unknown): string {
  return present(v) ? str(v) : '';
}
