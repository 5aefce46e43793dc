import { configKeyOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { configAdvanceInfo } from '../config-fields-wire.js';

/**
 * `GET /v1/cs/configs/catalog?dataId&group&tenant`: a config's details without its content, as Nacos's RestResult of
 * ConfigAdvanceInfo `{code: 200, message: null, data}`; `data` is null when the config does not exist (Nacos answers
 * 200 then too).
 */
export function configCatalogRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/cs/configs/catalog', async (request) => {
    const p = Params.from(request);
    const item = ctx.config.get(configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant')));
    return { code: 200, message: null, data: item ? configAdvanceInfo(item) : null };
  });
}
