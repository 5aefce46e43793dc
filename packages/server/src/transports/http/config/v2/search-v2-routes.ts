import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configSearchOf, configSearchPage } from '../config-search-page.js';

/**
 * `GET /v2/cs/config/searchDetail`: Nacos 2.x console's search by content. The v1 search's parameters (`tenant`,
 * not `namespaceId`) plus `config_detail`, a content pattern (`*` wildcards in blur mode); `search` is `blur`
 * unless told. Answers the bare Page, as Nacos does (not wrapped in `{code, message, data}`).
 */
export function searchV2Routes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v2/cs/config/searchDetail', async (request) => {
    const p = Params.from(request);
    return configSearchPage(ctx.config, configSearchOf(p, p.str('search', 'blur'), 'config_detail'), p);
  });
}
