import { configKeyOf, DEFAULT_GROUP, diagnoseConfig, namespaceToTenant } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';

/**
 * `GET /v1/cairn/config/diagnosis`: which clients listen to a config, which hold the md5 they would be served,
 * and for each one that does not, why; from the live table of config listeners and the journal. Cairn's own
 * extension; errors are v2 style `{code, message, data}` from the enclosing scope. A config that does not exist
 * is an answer (clients listening to it hold md5 `""`), not a 404.
 */
export function configDiagnosisRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, configListeners, journal } = ctx;
  const sources = { now: () => ctx.registry.now(), config, listeners: configListeners, journal };

  app.get('/v1/cairn/config/diagnosis', async (request) => {
    const p = Params.from(request);
    const key = configKeyOf(p.str('dataId'), p.str('group', DEFAULT_GROUP), p.str('tenant') ?? p.str('namespaceId'));
    const { namespace, group, dataId, sentence, checkedAt, ...rest } = diagnoseConfig(sources, key);
    // The answer first, the evidence after; `askedFrom` lets a client find itself among the clients.
    return { dataId, group, tenant: namespaceToTenant(namespace), sentence, checkedAt, checkedTime: new Date(checkedAt).toISOString(), askedFrom: request.ip, ...rest };
  });
}
