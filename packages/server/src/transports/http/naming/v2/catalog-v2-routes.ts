import { DomainError, groupedName, toView } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { page, pageParams, serviceRefGroupedOrBare } from './v2-params.js';

/**
 * `/v2/ns/catalog/instances`: the console's paged instance list. Unlike consumer queries it shows disabled
 * instances too (unless `enabledOnly`), and the protect threshold does not apply.
 */
export function catalogV2Routes(app: FastifyInstance, ctx: AppContext): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: '/v2/ns/catalog/instances',
    handler: async (request) => {
      const p = Params.from(request);
      const ref = serviceRefGroupedOrBare(p);
      const paging = pageParams(p);
      // Both filters compare when given (healthyOnly=false lists the unhealthy ones), as Nacos's catalog does.
      const healthyOnly = p.bool('healthyOnly');
      const enabledOnly = p.bool('enabledOnly');
      const service = ctx.registry.service(ref);
      if (!service) throw new DomainError('SERVICE_NOT_FOUND', `service ${groupedName(ref.group, ref.name)} not found in namespace ${ref.namespace}`);
      const views = [...service.instances.values()]
        .map((i) => toView(service, i))
        .filter((v) => (healthyOnly === undefined || v.healthy === healthyOnly) && (enabledOnly === undefined || v.enabled === enabledOnly))
        .sort((a, b) => a.clusterName.localeCompare(b.clusterName) || a.ip.localeCompare(b.ip) || a.port - b.port);
      return v2Ok({ instances: page(views, paging), count: views.length });
    },
  });
}
