import { grayExpr, type GrayRule } from '@cairn/core';

/** Nacos's `extInfo` of a gray history record: the gray name and its rule (type, expr, version, priority). */
export function grayExtInfo(grayName: string, rule: GrayRule, srcUser: string): string {
  const priority = rule.kind === 'beta' ? 2147483647 : 2147483646;
  const grayRule = JSON.stringify({ type: rule.kind, expr: grayExpr(rule), version: '1.0.0', priority: String(priority) });
  return JSON.stringify({ gray_name: grayName, ...(srcUser ? { src_user: srcUser } : {}), gray_rule: grayRule });
}
