import { missingParam, namespaceNotFound } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';
import { createNamespace, deleteNamespace, namespaceIdOf, namespaceAnswer, sortedNamespaces, updateNamespace } from '../namespace-wire.js';

/** `/v1/console/namespaces`: list, detail (`show=all`), id check, create, edit, delete. */
export function namespaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/console/namespaces', async (request) => {
    const p = Params.from(request);
    if (p.str('show') === 'all') {
      const id = namespaceIdOf(p.str('namespaceId'));
      const ns = ctx.namespaces.get(id);
      if (!ns) throw namespaceNotFound(id);
      return namespaceAnswer(ctx, ns);
    }
    if (p.bool('checkNamespaceIdExist', false)) {
      const id = p.str('customNamespaceId');
      return id !== undefined && ctx.namespaces.has(id);
    }
    return { code: 200, message: null, data: sortedNamespaces(ctx).map((ns) => namespaceAnswer(ctx, ns)) };
  });

  app.post('/v1/console/namespaces', async (request) => {
    const p = Params.from(request);
    createNamespace(ctx, p.str('customNamespaceId'), p.required('namespaceName'), p.str('namespaceDesc'), 'customNamespaceId');
    return true;
  });

  app.put('/v1/console/namespaces', async (request) => {
    const p = Params.from(request);
    if (!p.has('namespace')) throw missingParam('namespace');
    updateNamespace(ctx, namespaceIdOf(p.str('namespace')), p.required('namespaceShowName'), p.str('namespaceDesc'), 'namespace');
    return true;
  });

  app.delete('/v1/console/namespaces', async (request) => {
    const p = Params.from(request);
    deleteNamespace(ctx, namespaceIdOf(p.required('namespaceId')));
    return true;
  });
}
