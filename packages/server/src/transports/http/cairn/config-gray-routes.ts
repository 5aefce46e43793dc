import { checkGrayName, configKeyOf } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { configAllInfo, configAuthorOf } from '../config/config-wire.js';
import { grayView } from '../config/gray-wire.js';

/**
 * Cairn's gray release endpoints (not in Nacos): every gray version of a config, and promoting one to the main
 * version. Errors are v2 style `{code, message, data}` from the enclosing scope.
 */
export function configGrayRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config } = ctx;

  app.get('/v1/cairn/config/gray', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    return { grays: config.graysOf(key).map(grayView) };
  });

  // The promotion publishes the main version and removes the gray one; answered once both are stored.
  app.post('/v1/cairn/config/gray/promote', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    const grayName = checkGrayName(p.str('grayName'));
    return configAllInfo(config.promoteGray(key, grayName, configAuthorOf(request, p, p.str('src_user') ?? p.str('srcUser'))));
  });
}
