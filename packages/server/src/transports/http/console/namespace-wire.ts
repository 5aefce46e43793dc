import { DEFAULT_NAMESPACE, invalidParam, validateNamespaceId, type Namespace } from '@cairn/core';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';

const QUOTA = 200;

/**
 * A namespace as the Nacos console reads it. The public namespace answers `namespace: ""` as Nacos 2.x does (its
 * console and clients treat "" as public); every entry also carries Cairn's `namespaceId`, the id naming calls
 * use (`public` for the public one), so a client never has to know that rule.
 */
function namespaceJson(ns: Namespace, configCount: number): Record<string, unknown> {
  const isPublic = ns.id === DEFAULT_NAMESPACE;
  return {
    namespace: isPublic ? '' : ns.id,
    namespaceShowName: ns.name,
    namespaceDesc: ns.description,
    quota: QUOTA,
    configCount,
    type: isPublic ? 0 : 2,
    namespaceId: ns.id,
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

/** Refused while services or configs remain in the namespace: deleting it would strand them where no console lists them. */
export function deleteNamespace(ctx: AppContext, id: string): void {
  ctx.namespaces.delete(id, { services: ctx.registry.servicesIn(id).length, configs: ctx.config.countIn(id) });
}

/** A namespace as the console reads it, with its current number of configs. */
export function namespaceAnswer(ctx: AppContext, ns: Namespace): Record<string, unknown> {
  return namespaceJson(ns, ctx.config.countIn(ns.id));
}

/** Public first, then the others by name. */
export function sortedNamespaces(ctx: AppContext): Namespace[] {
  return ctx.namespaces.list().sort((a, b) => Number(b.id === DEFAULT_NAMESPACE) - Number(a.id === DEFAULT_NAMESPACE) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
