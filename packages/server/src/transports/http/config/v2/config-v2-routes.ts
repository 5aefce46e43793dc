import { configKeyOf, configNotFound, configTypeOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configClientOf } from '../config-client-of.js';
import { v2Ok } from '../../reply-errors.js';
import { configAuthorOf, configReadHeaders, headerOf, refuseGray } from '../config-wire.js';

/**
 * `/v2/cs/config`: the config Open API v2. The same commands as v1 through `ConfigCenter`; parameters are
 * `namespaceId`, `srcUser`, `configTags`, answers are `{code, message, data}`. Gray release is refused as in v1.
 */
export function configV2Routes(app: FastifyInstance, ctx: AppContext): void {
  const { config } = ctx;

  app.get('/v2/cs/config', async (request, reply) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    refuseGray(request, p);
    const item = config.get(key);
    ctx.configListeners.fetched(configClientOf(request), key, item?.md5 ?? '');
    if (!item) throw configNotFound(key);
    configReadHeaders(reply, item);
    return v2Ok(item.content);
  });

  app.post('/v2/cs/config', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    refuseGray(request, p);
    config.publish(
      {
        key,
        content: p.raw('content'),
        type: configTypeOf(p.str('type')),
        appName: p.str('appName'),
        desc: p.raw('desc'),
        tags: p.str('configTags'),
        casMd5: headerOf(request, 'casmd5'),
      },
      configAuthorOf(request, p, p.str('srcUser')),
    );
    return v2Ok(true);
  });

  app.delete('/v2/cs/config', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('namespaceId'));
    refuseGray(request, p);
    config.remove(key, configAuthorOf(request, p, p.str('srcUser')));
    return v2Ok(true);
  });
}
