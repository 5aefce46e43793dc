import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { applyMetadataBatch, batchOf } from '../metadata-batch.js';
import { serviceRefV1 } from '../wire-params.js';

/**
 * `PUT|DELETE /v1/ns/instance/metadata/batch`: merges keys into (or removes keys from) the operator overlay of
 * many instances at once, through the same patch command as a single PATCH, so each change is journaled.
 *
 * Limitation: DELETE removes keys from the overlay only; a key the client itself registered stays visible, because
 * the overlay cannot yet hide registered keys (that needs a core change).
 */
export function metadataBatchRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const [method, mode] of [
    ['PUT', 'merge'],
    ['DELETE', 'remove'],
  ] as const) {
    app.route({
      method,
      url: '/v1/ns/instance/metadata/batch',
      handler: async (request) => {
        const p = Params.from(request);
        return { updated: applyMetadataBatch(ctx.registry, batchOf(p, serviceRefV1(p)), mode, originOf(request, p.str('username'))) };
      },
    });
  }
}
