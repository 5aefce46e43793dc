import { namespaceToTenant, type ConfigHistoryRecord, type ConfigItem, type ConfigType } from '@cairn/core';
import type { FastifyReply } from 'fastify';

/** Nacos's response Content-Type per config type. */
export function contentTypeOf(type: ConfigType): string {
  if (type === 'json') return 'application/json;charset=UTF-8';
  if (type === 'xml') return 'application/xml;charset=UTF-8';
  if (type === 'html') return 'text/html;charset=UTF-8';
  return 'text/plain;charset=UTF-8';
}

/** The no-cache headers Nacos sets on config reads and listener answers. */
export function noCache(reply: FastifyReply): FastifyReply {
  return reply.header('Pragma', 'no-cache').header('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT').header('Cache-Control', 'no-cache,no-store');
}

/** `GET /v1/cs/configs?show=all`: Nacos's ConfigAllInfo. */
export function configAllInfo(c: ConfigItem): Record<string, unknown> {
  return {
    id: String(c.id),
    dataId: c.dataId,
    group: c.group,
    content: c.content,
    md5: c.md5,
    encryptedDataKey: '',
    tenant: namespaceToTenant(c.namespace),
    appName: c.appName,
    type: c.type,
    createTime: c.createdAt,
    modifyTime: c.modifiedAt,
    createUser: c.createdBy.claimedUser || null,
    createIp: c.createdBy.sourceIp,
    desc: c.desc || null,
    use: null,
    effect: null,
    schema: null,
    configTags: c.tags.length > 0 ? c.tags.join(',') : null,
  };
}

/** Nacos's ConfigHistoryInfo; ids are strings (they are Java longs), times ISO-8601. */
export function historyInfo(h: ConfigHistoryRecord): Record<string, unknown> {
  return {
    id: String(h.id),
    lastId: -1,
    dataId: h.dataId,
    group: h.group,
    tenant: namespaceToTenant(h.namespace),
    appName: h.appName,
    md5: h.md5,
    content: h.content,
    srcIp: h.author.sourceIp,
    srcUser: h.author.claimedUser || null,
    opType: h.op,
    publishType: 'formal',
    grayName: '',
    extInfo: '',
    createdTime: new Date(h.at).toISOString(),
    lastModifiedTime: new Date(h.at).toISOString(),
    encryptedDataKey: '',
  };
}
