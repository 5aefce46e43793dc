import { betaRuleOf, grayExpr, namespaceToTenant, tagRuleOf, type ConfigGray, type GrayRule, type ServedConfig } from '@cairn/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Params } from '../params.js';
import { headerOf, NO_CACHE_HEADERS } from './config-wire.js';

/** The gray rule a publish asks for: header `betaIps` (wins, as in Nacos), else parameter `tag`; none = main. */
export function grayRuleOfPublish(request: FastifyRequest, p: Params): GrayRule | undefined {
  const betaIps = headerOf(request, 'betaips');
  if (betaIps !== undefined) return betaRuleOf(betaIps);
  const tag = p.str('tag');
  return tag === undefined ? undefined : tagRuleOf(tag);
}

// Per served version (a publish makes a new version object): the read headers and the encoded body are built once,
// not on every read of a config that thousands of clients fetch after each change.
const readHeaders = new WeakMap<object, Record<string, string>>();
const rawBodies = new WeakMap<object, Buffer>();

/**
 * The read headers of a served version (Nacos's setCommonResponseHead): `Config-Type`, `Content-MD5`,
 * `Last-Modified`, no-cache, and `isBeta: true` or `tag: <tag>` (URL-encoded) when a gray version was served.
 */
export function servedReadHeaders(reply: FastifyReply, served: ServedConfig): FastifyReply {
  let headers = readHeaders.get(served.version);
  if (!headers) {
    headers = { ...NO_CACHE_HEADERS, 'Config-Type': served.type, 'Content-MD5': served.md5, 'Last-Modified': new Date(served.modifiedAt).toUTCString() };
    const rule = served.gray?.rule;
    if (rule?.kind === 'beta') headers.isBeta = 'true';
    if (rule?.kind === 'tag') headers.tag = encodeURIComponent(rule.tag);
    readHeaders.set(served.version, headers);
  }
  return reply.headers(headers);
}

/** The served content as UTF-8 bytes (the v1 read's raw body), encoded once per version. */
export function servedBody(served: ServedConfig): Buffer {
  let body = rawBodies.get(served.version);
  if (!body) rawBodies.set(served.version, (body = Buffer.from(served.content, 'utf8')));
  return body;
}

/** `GET /v1/cs/configs?beta=true`'s `data`: Nacos's ConfigInfo4Beta (id as a string, `betaIps` comma-joined). */
export function betaInfo(g: ConfigGray): Record<string, unknown> {
  return {
    id: String(g.id),
    dataId: g.dataId,
    group: g.group,
    content: g.content,
    md5: g.md5,
    encryptedDataKey: '',
    tenant: namespaceToTenant(g.namespace),
    appName: g.appName,
    type: g.type,
    betaIps: grayExpr(g.rule),
    modifyTime: g.modifiedAt,
  };
}

/** One gray version as `GET /v1/cairn/config/gray` lists it. */
export function grayView(g: ConfigGray): Record<string, unknown> {
  return {
    grayName: g.grayName,
    kind: g.rule.kind,
    ...(g.rule.kind === 'beta' ? { betaIps: g.rule.betaIps } : { tag: g.rule.tag }),
    md5: g.md5,
    content: g.content,
    type: g.type,
    modifiedAt: g.modifiedAt,
    author: g.modifiedBy,
  };
}
