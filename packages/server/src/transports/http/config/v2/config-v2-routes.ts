import { configKeyOf, configNotFound, configTypeOf, grayNameOf, tagRuleOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configClientOf, namesTag } from '../config-client-of.js';
import { v2Ok } from '../../reply-errors.js';
import { configAuthorOf, headerOf } from '../config-wire.js';
import { encryptedDataKeyHeader, publishFieldsOf } from '../config-fields-wire.js';
import { grayRuleOfPublish, servedReadHeaders } from '../gray-wire.js';

/**
 * `/v2/cs/config`: the config Open API v2. The same commands as v1 through `ConfigCenter`; parameters are
 * `namespaceId`, `srcUser`, `configTags`, answers are `{code, message, data}`. Gray releases as in v1: header `betaIps` or
 * parameter `tag` on a publish, reads served by the client's IP and tag, a delete with `tag` stops that version.
 */
export function configV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const { config } = ctx;

  app.get('/v2/cs/config', async (request, reply) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    const client = configClientOf(request, p);
    const served = config.resolve(key, client, namesTag(p));
    ctx.configListeners.fetched(client, key, served?.md5 ?? '');
    if (!served) throw configNotFound(key);
    encryptedDataKeyHeader(servedReadHeaders(reply, served), served);
    return v2Ok(served.content);
  });

  app.post('/v2/cs/config', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    const rule = grayRuleOfPublish(request, p);
    if (rule) {
      const input = { key, rule, content: p.raw('content'), type: configTypeOf(p.str('type')), appName: p.str('appName'), encryptedDataKey: p.str('encryptedDataKey'), casMd5: headerOf(request, 'casmd5') };
      config.publishGray(input, configAuthorOf(request, p, p.str('srcUser')));
      return v2Ok(true);
    }
    config.publish(
      {
        key,
        content: p.raw('content'),
        type: configTypeOf(p.str('type')),
        appName: p.str('appName'),
        desc: p.raw('desc'),
        tags: p.str('configTags'),
        ...publishFieldsOf(p),
        casMd5: headerOf(request, 'casmd5'),
      },
      configAuthorOf(request, p, p.str('srcUser')),
    );
    return v2Ok(true);
  });

  app.delete('/v2/cs/config', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    const author = configAuthorOf(request, p, p.str('srcUser'));
    const tag = p.str('tag');
    if (tag !== undefined) config.stopGray(key, grayNameOf(tagRuleOf(tag)), author);
    else config.remove(key, author);
    return v2Ok(true);
  });
}
