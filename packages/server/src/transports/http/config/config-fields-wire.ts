import type { ConfigAuthor, ConfigFieldsInput, ConfigHistoryRecord, ConfigItem, ServedConfig } from '@cairn/core';
import type { FastifyReply } from 'fastify';
import type { Params } from '../params.js';

/** A publish's `use`, `effect`, `schema` (kept as sent, like `desc`) and `encryptedDataKey` (v1 and v2 alike). */
export function publishFieldsOf(p: Params): ConfigFieldsInput {
  return { use: p.raw('use'), effect: p.raw('effect'), schema: p.raw('schema'), encryptedDataKey: p.str('encryptedDataKey') };
}

/**
 * Nacos's `Encrypted-Data-Key` read header: the key a client-side encryption filter published the content with,
 * which the client needs to decrypt it. Set only when there is one.
 */
export function encryptedDataKeyHeader(reply: FastifyReply, served: ServedConfig): FastifyReply {
  return served.encryptedDataKey === '' ? reply : reply.header('Encrypted-Data-Key', served.encryptedDataKey);
}

/** Nacos's `src_user`: the verified user who made the change, else the user the request claimed. */
export function srcUserOf(author: ConfigAuthor): string {
  return author.user || author.claimedUser;
}

/** `GET /v1/cs/configs/catalog`'s `data`: Nacos's ConfigAdvanceInfo (unset texts are null, as Nacos's columns). */
export function configAdvanceInfo(c: ConfigItem): Record<string, unknown> {
  return {
    createTime: c.createdAt,
    modifyTime: c.modifiedAt,
    createUser: srcUserOf(c.createdBy) || null,
    createIp: c.createdBy.sourceIp,
    desc: c.desc || null,
    use: c.use || null,
    effect: c.effect || null,
    type: c.type,
    schema: c.schema || null,
    configTags: c.tags.length > 0 ? c.tags.join(',') : null,
  };
}

/**
 * Nacos's `extInfo` of a main version's history record: the version's other fields under Nacos's column names,
 * blank ones left out (ConfigExtInfoUtil). `""` for a record kept before Cairn stored them.
 */
export function formalExtInfo(h: ConfigHistoryRecord): string {
  const f = h.fields;
  if (!f) return '';
  const entries: [string, string][] = [
    ['src_user', srcUserOf(h.author)],
    ['type', h.type],
    ['config_tags', f.tags.join(',')],
    ['c_desc', f.desc.trim()],
    ['c_use', f.use.trim()],
    ['effect', f.effect.trim()],
    ['c_schema', f.schema.trim()],
  ];
  return JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v.trim() !== '')));
}
