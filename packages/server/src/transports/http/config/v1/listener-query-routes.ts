import { configKeyOf, configNamespaceOf, DEFAULT_GROUP, DEFAULT_NAMESPACE, isListening, namespaceToTenant, validateIp, type ListenerState } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { Params } from '../../params.js';

/**
 * Nacos's "who listens" queries, answered from the live table of config listeners: `GET /v1/cs/configs/listener`
 * (the clients of one config: address → the md5 it holds) and `GET /v1/cs/listener` (the configs one address
 * listens to: `dataId+group[+tenant]` → md5). Nacos's spelling `lisentersGroupkeyStatus` is kept. A client counts
 * while it polls (a poll held now, or its last one ended moments ago); `sampleTime` is accepted and not needed,
 * since the table is live.
 */
export function listenerQueryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { configListeners } = ctx;
  const listening = (rows: readonly ListenerState[]) => {
    const now = ctx.registry.now();
    // Several agents at one address: the one that polled last speaks for it, as Nacos keys by address alone.
    return rows.filter((r) => r.listeningSince !== undefined && isListening(r, now, configListeners.silentAfterMs)).sort((a, b) => (a.lastPollAt ?? 0) - (b.lastPollAt ?? 0));
  };

  app.get('/v1/cs/configs/listener', async (request) => {
    const p = Params.from(request);
    // Nacos requires the group parameter and reads a blank one as DEFAULT_GROUP.
    const key = configKeyOf(p.str('dataId'), p.has('group') ? p.str('group', DEFAULT_GROUP) : undefined, p.str('tenant'));
    p.int('sampleTime');
    const status: Record<string, string> = {};
    for (const row of listening(configListeners.of(key))) status[row.ip] = row.md5;
    return { collectStatus: 200, lisentersGroupkeyStatus: status };
  });

  app.get('/v1/cs/listener', async (request) => {
    const p = Params.from(request);
    const ip = validateIp(p.required('ip'));
    const tenant = p.str('tenant');
    // As Nacos: without a tenant only the default namespace's configs, unless all=true.
    const namespace = tenant !== undefined ? configNamespaceOf(tenant) : p.bool('all', false) ? undefined : DEFAULT_NAMESPACE;
    p.int('sampleTime');
    const status: Record<string, string> = {};
    for (const row of listening(configListeners.ofIp(ip))) {
      if (namespace !== undefined && row.key.namespace !== namespace) continue;
      status[groupKey(row.key.dataId, row.key.group, namespaceToTenant(row.key.namespace))] = row.md5;
    }
    return { collectStatus: 200, lisentersGroupkeyStatus: status };
  });
}

/** Nacos's group key `dataId+group[+tenant]` (dataId, group and tenant cannot hold `+` or `%`, so nothing is escaped). */
function groupKey(dataId: string, group: string, tenant: string): string {
  return tenant === '' ? `${dataId}+${group}` : `${dataId}+${group}+${tenant}`;
}
