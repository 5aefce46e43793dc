import { configTypeOf, type ConfigAuthor, type ConfigGray, type ConfigHistoryRecord, type GrayRule } from '@cairn/core';
import { json, num, present, str } from '../drivers/row-values.js';
import type { Row, SqlValue } from '../drivers/sql-driver.js';

/** Table `config_grays`: one row per gray version (Nacos 2.5's `config_info_gray`, name `beta` or `tag_<tag>`). */
export const GRAY_COLUMNS = ['namespace', 'group_name', 'data_id', 'gray_name', 'gray_rule', 'id', 'content', 'md5', 'type', 'app_name', 'created_at', 'modified_at', 'modified_by'] as const;
export const GRAY_KEY = ['namespace', 'group_name', 'data_id', 'gray_name'] as const;

/** Table `config_history_gray`: the gray name and rule of a history record of a gray version, by history id. */
export const HISTORY_GRAY_COLUMNS = ['id', 'gray_name', 'gray_rule', 'at_ms'] as const;

export function grayValues(g: ConfigGray): SqlValue[] {
  return [g.namespace, g.group, g.dataId, g.grayName, JSON.stringify(g.rule), g.id, g.content, g.md5, g.type, g.appName, g.createdAt, g.modifiedAt, JSON.stringify(g.modifiedBy)];
}

export function grayOf(r: Row): ConfigGray {
  return {
    namespace: str(r.namespace),
    group: str(r.group_name),
    dataId: str(r.data_id),
    grayName: str(r.gray_name),
    rule: json<GrayRule>(r.gray_rule),
    id: num(r.id),
    content: str(r.content),
    md5: str(r.md5),
    type: configTypeOf(str(r.type)),
    appName: str(r.app_name),
    createdAt: num(r.created_at),
    modifiedAt: num(r.modified_at),
    modifiedBy: json<ConfigAuthor>(r.modified_by),
  };
}

export function historyGrayValues(h: ConfigHistoryRecord & { gray: NonNullable<ConfigHistoryRecord['gray']> }): SqlValue[] {
  return [h.id, h.gray.grayName, JSON.stringify(h.gray.rule), h.at];
}

/** The `gray` of a history row read with `config_history_gray` left-joined (`gray_name` null: the main version). */
export function historyGrayOf(r: Row): Pick<ConfigHistoryRecord, 'gray'> {
  if (!present(r.gray_name)) return {};
  return { gray: { grayName: str(r.gray_name), rule: json<GrayRule>(r.gray_rule) } };
}
