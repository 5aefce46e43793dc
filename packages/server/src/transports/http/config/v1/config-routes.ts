import { configKeyOf, configNotFound, configTypeOf, invalidParam, type ConfigAuthor } from '@cairn/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configAllInfo, contentTypeOf, noCache } from '../config-wire.js';

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
    if (!item) throw configNotFound(key);
    noCache(reply).type(contentTypeOf(item.type)).header('Config-Type', item.type).header('Content-MD5', item.md5).header('Last-Modified', new Date(item.modifiedAt).toUTCString());
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
        casMd5: header(request, 'casmd5'),
      },
      authorOf(request, p),
    );
    return 'true';
  });

  // Deviation: Nacos v1 DELETE does not map tenant `public` to the default namespace; Cairn maps it everywhere.
  app.delete('/v1/cs/configs', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    refuseGray(request, p);
    config.remove(key, authorOf(request, p));
    return 'true';
  });
}

/** The author as the request claims it: `src_user`, else `username`; never a verified identity. */
export function authorOf(request: FastifyRequest, p: Params): ConfigAuthor {
  const agent = header(request, 'client-version') ?? header(request, 'user-agent') ?? '';
  return { sourceIp: request.ip, clientAgent: agent.slice(0, 128), claimedUser: (p.str('src_user') ?? p.str('username') ?? '').slice(0, 128) };
}

function refuseGray(request: FastifyRequest, p: Params): void {
  if (p.str('tag') !== undefined) throw invalidParam('tag', "Param 'tag' (tag gray release) is not supported yet.");
  if (header(request, 'betaips') !== undefined) throw invalidParam('betaIps', "Header 'betaIps' (beta gray release) is not supported yet.");
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
