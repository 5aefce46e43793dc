import { DEFAULT_NAMESPACE, DomainError, invalidParam, missingParam, validateNamespaceId, type Namespace } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';

const QUOTA = 200;

/**
 * A namespace as the Nacos console reads it. The public namespace answers `namespace: ""` as Nacos 2.x does (its
 * console and clients treat "" as public); every entry also carries Cairn's `namespaceId`, the id naming calls
 * use (`public` for the public one), so a client never has to know that rule.
 */
export function namespaceJson(ns: Namespace): Record<string, unknown> {
  const isPublic = ns.id === DEFAULT_NAMESPACE;
  return {
    namespace: isPublic ? '' : ns.id, namespaceShowName: ns.name, namespaceDesc: ns.description, quota: QUOTA,
    // Cairn has no config store yet, so no namespace holds configurations.
    configCount: 0, type: isPublic ? 0 : 2, namespaceId: ns.id,
  };
}

/** "" and `public` both mean the public namespace. */
export function namespaceIdOf(raw: string | undefined): string {
  return raw === undefined || raw === '' ? DEFAULT_NAMESPACE : raw;
}

export function createNamespace(ctx: AppContext, id: string | undefined, name: string, description: string | undefined, idField: string): Namespace {
  if (id !== undefined) validateNamespaceId(id, idField);
  return ctx.namespaces.create(id ?? randomUUID(), name, description ?? '');
}

export function updateNamespace(ctx: AppContext, id: string, name: string, description: string | undefined, field: string): Namespace {
  if (id === DEFAULT_NAMESPACE) throw invalidParam(field, 'The public namespace cannot be edited.');
  return ctx.namespaces.update(id, name, description);
}

/** Refused while services remain in the namespace: deleting it would strand them where no console lists them. */
export function deleteNamespace(ctx: AppContext, id: string): void {
  ctx.namespaces.delete(id, ctx.registry.servicesIn(id).length > 0);
}

/** `/v1/console/namespaces`: list, detail (`show=all`), id check, create, edit, delete. */
export function namespaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/console/namespaces', async (request) => {
    const p = Params.from(request);
    if (p.str('show') === 'all') {
      const id = namespaceIdOf(p.str('namespaceId'));
      const ns = ctx.namespaces.get(id);
      if (!ns) throw notFound(id);
      return namespaceJson(ns);
    }
    if (p.bool('checkNamespaceIdExist', false)) {
      const id = p.str('customNamespaceId');
      return id !== undefined && ctx.namespaces.has(id);
    }
    return { code: 200, message: null, data: sortedNamespaces(ctx).map(namespaceJson) };
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

/** Public first, then the others by name. */
export function sortedNamespaces(ctx: AppContext): Namespace[] {
  return ctx.namespaces.list().sort((a, b) =>
    Number(b.id === DEFAULT_NAMESPACE) - Number(a.id === DEFAULT_NAMESPACE) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function notFound(id: string): DomainError {
  return new DomainError('NAMESPACE_NOT_FOUND', `namespace '${id}' does not exist`, { field: 'namespaceId' });
}
