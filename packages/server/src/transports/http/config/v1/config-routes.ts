import { configKeyOf, configNotFound, configTypeOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configClientOf } from '../config-client-of.js';
import { configAllInfo, configAuthorOf, configReadHeaders, contentTypeOf, headerOf, refuseGray } from '../config-wire.js';

/**
 * `/v1/cs/configs`: read (raw content with Nacos's headers, or `show=all` detail), publish (upsert, `casMd5`
 * compare-and-set) and delete (idempotent). Gray release (`tag`, `betaIps`) is refused rather than silently
 * published as the main version.
 */
export function configRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config } = ctx;

  app.get('/v1/cs/configs', async (request, reply) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    refuseGray(request, p);
    const item = config.get(key);
    if (p.str('show') === 'all') return item ? configAllInfo(item) : '';
    ctx.configListeners.fetched(configClientOf(request), key, item?.md5 ?? '');
    if (!item) throw configNotFound(key);
    configReadHeaders(reply, item).type(contentTypeOf(item.type));
    return item.content;
  });

  app.post('/v1/cs/configs', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    refuseGray(request, p);
    config.publish(
      {
        key,
        content: p.raw('content'),
        type: configTypeOf(p.str('type')),
        appName: p.str('appName'),
        desc: p.raw('desc'),
        tags: p.str('config_tags'),
        casMd5: headerOf(request, 'casmd5'),
      },
      configAuthorOf(request, p, p.str('src_user')),
    );
    return 'true';
  });

  // Deviation: Nacos v1 DELETE does not map tenant `public` to the default namespace; Cairn maps it everywhere.
  app.delete('/v1/cs/configs', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    refuseGray(request, p);
    config.remove(key, configAuthorOf(request, p, p.str('src_user')));
    return 'true';
  });
}
