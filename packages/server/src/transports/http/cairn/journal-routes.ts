import {
  CAUSES,
  configKeyOf,
  DEFAULT_GROUP,
  DEFAULT_NAMESPACE,
  diagnose,
  diagnosisSources,
  invalidParam,
  isCause,
  splitGroupedName,
  validateGroup,
  validateIp,
  validateNamespaceId,
  validatePort,
  validateServiceName,
  type JournalEvent,
  type JournalFilter,
  type Resource,
} from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { Params } from '../params.js';
import { readableBy } from '../auth/http-auth.js';
import { serviceRefV1 } from '../naming/wire-params.js';
import { diagnosisView, eventView, timeParam } from './journal-wire.js';

const DEFAULT_PAGE_SIZE = 100;
// A page is built by walking the ring buffer; 1000 events keep one answer well under a megabyte.
const MAX_PAGE_SIZE = 1000;

/**
 * Cairn's own extensions (not in Nacos), under the context path: the event journal and the per-instance
 * diagnosis. Errors are v2 style `{code, message, data}` from the enclosing scope.
 */
export function journalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { registry } = ctx;

  app.get('/v1/cairn/events', async (request) => {
    const p = Params.from(request);
    const filter = eventFilter(p);
    const readable = readableBy(request);
    if (readable) filter.visible = (e) => eventReadable(e, readable);
    const pageNo = p.int('pageNo', 1);
    if (pageNo < 1) throw invalidParam('pageNo', `Param 'pageNo' must be 1 or more, got '${pageNo}'.`);
    const pageSize = p.int('pageSize', DEFAULT_PAGE_SIZE);
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw invalidParam('pageSize', `Param 'pageSize' must be from 1 to ${MAX_PAGE_SIZE}, got '${pageSize}'.`);
    }
    const page = ctx.journal.query(filter, pageNo, pageSize, registry.now());
    return { total: page.total, pageNo, pageSize, events: page.events.map(eventView) };
  });

  app.get('/v1/cairn/diagnosis', async (request) => {
    const p = Params.from(request);
    const ref = serviceRefV1(p);
    const ip = validateIp(p.required('ip'));
    const port = validatePort(p.requiredInt('port'));
    return diagnosisView(diagnose(diagnosisSources(registry, ctx.journal), ref, ip, port), registry.now());
  });
}

/** The journal filter from the query: every field optional except the namespace, which defaults to `public`. */
function eventFilter(p: Params): JournalFilter {
  const filter: JournalFilter = { namespace: validateNamespaceId(p.str('namespaceId', DEFAULT_NAMESPACE)) };
  const groupName = p.str('groupName');
  const serviceName = p.str('serviceName');
  if (serviceName !== undefined) {
    const { group, name } = splitGroupedName(serviceName, groupName ?? DEFAULT_GROUP);
    // Without a group in either parameter, a bare service name matches it in every group.
    if (groupName !== undefined || serviceName.includes('@@')) filter.group = validateGroup(group);
    filter.service = validateServiceName(name);
  } else if (groupName !== undefined) {
    filter.group = validateGroup(groupName);
  }
  configFilter(p, filter);
  const ip = p.str('ip');
  if (ip !== undefined) filter.ip = validateIp(ip);
  const port = p.int('port');
  if (port !== undefined) filter.port = validatePort(port);
  const cause = p.str('cause');
  if (cause !== undefined) {
    if (!isCause(cause)) throw invalidParam('cause', `Param 'cause' must be one of ${Object.keys(CAUSES).join(', ')}; got '${clip(cause)}'.`);
    filter.cause = cause;
  }
  filter.since = timeParam(p, 'since');
  filter.until = timeParam(p, 'until');
  if (filter.since !== undefined && filter.until !== undefined && filter.until < filter.since) {
    throw invalidParam('until', `Param 'until' must not be before 'since'.`);
  }
  return filter;
}

/**
 * Config's own names for the key, as the config API spells them: `tenant` (blank, `public` or `null` = the default
 * namespace; it overrides `namespaceId`), `group` (any when absent) and `dataId`.
 */
function configFilter(p: Params, filter: JournalFilter): void {
  const dataId = p.str('dataId');
  const group = p.str('group');
  const tenant = p.str('tenant');
  if (dataId === undefined && group === undefined && tenant === undefined) return;
  // Validated as the config API validates a key; the placeholders stand in for the parts not given.
  const key = configKeyOf(dataId ?? 'any', group ?? 'any', tenant);
  if (dataId !== undefined) filter.dataId = key.dataId;
  if (group !== undefined) filter.group = key.group;
  if (tenant !== undefined) filter.namespace = key.namespace;
}

/**
 * Whether a user may see an event: a config event needs read on its config, a naming event on its service; the
 * rest (auth, connections) are the admin's.
 */
function eventReadable(e: JournalEvent, readable: (resource: Resource) => boolean): boolean {
  if (e.dataId !== undefined) return readable({ kind: 'config', namespace: e.namespace, group: e.group, name: e.dataId });
  if (e.service !== '') return readable({ kind: 'naming', namespace: e.namespace, group: e.group, name: e.service });
  return false;
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
