import { configKeyOf, configNotFound, configTypeOf, grayNameOf, tagRuleOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configClientOf, namesTag } from '../config-client-of.js';
import { configAllInfo, configAuthorOf, contentTypeOf, headerOf } from '../config-wire.js';
import { encryptedDataKeyHeader, publishFieldsOf } from '../config-fields-wire.js';
import { grayRuleOfPublish, servedBody, servedReadHeaders } from '../gray-wire.js';
import { betaQueryResult, STOP_BETA_RESULT } from './beta-wire.js';
import { configOperations } from './config-operations.js';

/**
 * `/v1/cs/configs`: read (raw content with Nacos's headers, or `show=all` detail), publish (upsert, `casMd5`
 * compare-and-set) and delete (idempotent). Gray releases: a publish with header `betaIps` or parameter `tag`
 * publishes a gray version, a read serves the version the client's IP and tag select, `beta=true` reads or stops
 * the beta version, a delete with `tag` stops that tag version. The operations Nacos selects by a parameter on the
 * same path (search, export, import, clone, delete by ids) are handed to `configOperations`.
 */
export function configRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config } = ctx;
  const operations = configOperations(ctx);

  app.get('/v1/cs/configs', async (request, reply) => {
    const p = Params.from(request);
    const operation = operations.get(p);
    if (operation) return operation(request, reply, p);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    if (p.str('beta') === 'true') return betaQueryResult(config.grayOf(key, 'beta'));
    if (p.str('show') === 'all') {
      const item = config.get(key);
      return item ? configAllInfo(item) : '';
    }
    const client = configClientOf(request, p);
    const served = config.resolve(key, client, namesTag(p));
    ctx.configListeners.fetched(client, key, served?.md5 ?? '');
    if (!served) throw configNotFound(key);
    encryptedDataKeyHeader(servedReadHeaders(reply, served), served).type(contentTypeOf(served.type));
    return servedBody(served);
  });

  app.post('/v1/cs/configs', async (request, reply) => {
    const p = Params.from(request);
    const operation = operations.post(p);
    if (operation) return operation(request, reply, p);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    const rule = grayRuleOfPublish(request, p);
    if (rule) {
      const input = { key, rule, content: p.raw('content'), type: configTypeOf(p.str('type')), appName: p.str('appName'), encryptedDataKey: p.str('encryptedDataKey'), casMd5: headerOf(request, 'casmd5') };
      config.publishGray(input, configAuthorOf(request, p, p.str('src_user')));
      return 'true';
    }
    config.publish(
      {
        key,
        content: p.raw('content'),
        type: configTypeOf(p.str('type')),
        appName: p.str('appName'),
        desc: p.raw('desc'),
        tags: p.str('config_tags'),
        ...publishFieldsOf(p),
        casMd5: headerOf(request, 'casmd5'),
      },
      configAuthorOf(request, p, p.str('src_user')),
    );
    return 'true';
  });

  // Deviation: Nacos v1 DELETE does not map tenant `public` to the default namespace; Cairn maps it everywhere.
  app.delete('/v1/cs/configs', async (request, reply) => {
    const p = Params.from(request);
    const operation = operations.delete(p);
    if (operation) return operation(request, reply, p);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    const author = configAuthorOf(request, p, p.str('src_user') ?? p.str('srcUser'));
    if (p.str('beta') === 'true') {
      config.stopGray(key, 'beta', author);
      return STOP_BETA_RESULT;
    }
    const tag = p.str('tag');
    if (tag !== undefined) config.stopGray(key, grayNameOf(tagRuleOf(tag)), author);
    else config.remove(key, author);
    return 'true';
  });
}
