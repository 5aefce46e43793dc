import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { namespaceNotFound } from '@cairn/core';
import { createNamespace, deleteNamespace, namespaceIdOf, namespaceAnswer, sortedNamespaces, updateNamespace } from '../namespace-wire.js';

/** `/v2/console/namespace*`: the same namespaces as the v1 console API, Result-wrapped, errors with codes 22000-22002. */
export function namespaceV2Routes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v2/console/namespace/list', async () => v2Ok(sortedNamespaces(ctx).map((ns) => namespaceAnswer(ctx, ns))));

  app.get('/v2/console/namespace', async (request) => {
    const id = namespaceIdOf(Params.from(request).required('namespaceId'));
    const ns = ctx.namespaces.get(id);
    if (!ns) throw namespaceNotFound(id);
    return v2Ok(namespaceAnswer(ctx, ns));
  });

  app.post('/v2/console/namespace', async (request) => {
    const p = Params.from(request);
    createNamespace(ctx, p.str('namespaceId'), p.required('namespaceName'), p.str('namespaceDesc'), 'namespaceId');
    return v2Ok(true);
  });

  app.put('/v2/console/namespace', async (request) => {
    const p = Params.from(request);
    updateNamespace(ctx, namespaceIdOf(p.required('namespaceId')), p.required('namespaceName'), p.str('namespaceDesc'), 'namespaceId');
    return v2Ok(true);
  });

  app.delete('/v2/console/namespace', async (request) => {
    deleteNamespace(ctx, namespaceIdOf(Params.from(request).required('namespaceId')));
    return v2Ok(true);
  });
}
