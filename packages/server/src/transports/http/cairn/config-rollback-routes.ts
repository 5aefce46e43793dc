import { configKeyOf, configKeyString, historyNotFound, invalidParam, namespaceToTenant } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { configAllInfo, configAuthorOf } from '../config/config-wire.js';

/**
 * `POST /v1/cairn/config/rollback?dataId&group&tenant&nid=`: publishes the version history record `nid` holds as
 * the config's new version (journal cause CONFIG_ROLLED_BACK) and answers the config as `show=all` does. A record
 * of another config is not found for this one (404). Errors are v2 style from the enclosing scope.
 */
export function configRollbackRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/cairn/config/rollback', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group'), p.str('tenant'));
    const nid = p.requiredInt('nid');
    if (nid < 1) throw invalidParam('nid', `Param 'nid' must be a history id, got '${nid}'.`);
    const record = await ctx.configHistory.historyById(nid);
    if (!record || configKeyString(record) !== configKeyString(key)) {
      const tenant = namespaceToTenant(key.namespace);
      throw historyNotFound(`${nid} of ${key.group}/${key.dataId}${tenant === '' ? '' : ` in namespace ${tenant}`}`);
    }
    return configAllInfo(ctx.config.rollback(record, configAuthorOf(request, p, p.str('src_user'))));
  });
}
