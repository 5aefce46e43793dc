import { namespaceToTenant, type ConfigAuthor, type ConfigHistoryRecord, type ConfigItem, type ConfigType } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityOf } from '../auth/http-auth.js';
import type { Params } from '../params.js';
import { configAdvanceInfo, formalExtInfo, srcUserOf } from './config-fields-wire.js';
import { grayExtInfo } from './gray-ext-info.js';

/** Nacos's response Content-Type per config type. */
export function contentTypeOf(type: ConfigType): string {
  if (type === 'json') return 'application/json;charset=UTF-8';
  if (type === 'xml') return 'application/xml;charset=UTF-8';
  if (type === 'html') return 'text/html;charset=UTF-8';
  return 'text/plain;charset=UTF-8';
}

/** The no-cache headers Nacos sets on config reads and listener answers. */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ Pragma: 'no-cache', Expires: 'Thu, 01 Jan 1970 00:00:00 GMT', 'Cache-Control': 'no-cache,no-store' });

export function noCache(reply: FastifyReply): FastifyReply {
  return reply.headers(NO_CACHE_HEADERS);
}

/** `GET /v1/cs/configs?show=all`: Nacos's ConfigAllInfo, its identity and content plus the ConfigAdvanceInfo fields. */
export function configAllInfo(c: ConfigItem): Record<string, unknown> {
  return {
    id: String(c.id),
    dataId: c.dataId,
    group: c.group,
    content: c.content,
    md5: c.md5,
    encryptedDataKey: c.encryptedDataKey,
    tenant: namespaceToTenant(c.namespace),
    appName: c.appName,
    ...configAdvanceInfo(c),
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
    srcUser: srcUserOf(h.author) || null,
    opType: h.op,
    publishType: h.gray ? 'gray' : 'formal',
    grayName: h.gray?.grayName ?? '',
    extInfo: h.gray ? grayExtInfo(h.gray.grayName, h.gray.rule, srcUserOf(h.author)) : formalExtInfo(h),
    createdTime: new Date(h.at).toISOString(),
    lastModifiedTime: new Date(h.at).toISOString(),
    encryptedDataKey: h.fields?.encryptedDataKey ?? '',
  };
}

/** The author: the user the request claims (`claimedUser`, else `username`; never trusted) and the verified `user`. */
export function configAuthorOf(request: FastifyRequest, p: Params, claimedUser: string | undefined): ConfigAuthor {
  const agent = headerOf(request, 'client-version') ?? headerOf(request, 'user-agent') ?? '';
  const user = identityOf(request)?.username;
  return { sourceIp: request.ip, clientAgent: agent.slice(0, 128), claimedUser: (claimedUser ?? p.str('username') ?? '').slice(0, 128), ...(user === undefined ? {} : { user }) };
}

/** A request header, trimmed; undefined when absent or blank. */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** `/history/configs`: a namespace's configs as Nacos lists them (ConfigInfoWrapper without content). */
export function configBrief(c: ConfigItem): Record<string, unknown> {
  return { id: String(c.id), dataId: c.dataId, group: c.group, tenant: namespaceToTenant(c.namespace), appName: c.appName, type: c.type };
}
