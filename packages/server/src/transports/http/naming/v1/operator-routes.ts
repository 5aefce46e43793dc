import { groupedName } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { operatorMetrics, operatorStatus } from '../operator-metrics.js';
import { Params } from '../../params.js';
import { switchesOf } from '../switch-domain.js';

/**
 * `/v1/ns/operator/*` (alias `/v1/ns/ops/*`): metrics, switches, push state.
 *
 * The switches live per server (`switchesOf(ctx)`, shared with the v2 routes). Values Cairn acts on (clientBeatInterval, defaultPushCacheMillis, pushEnabled,
 * healthCheckEnabled, defaultInstanceEphemeral) start from the real settings; changing them is kept and answered,
 * and the switch object's extra field `notInEffect` names those the running server does not apply yet.
 * `lightBeatEnabled` and `overriddenServerStatus` are read from the switch object wherever they matter.
 */
export function operatorRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { push } = ctx;
  const switches = switchesOf(ctx);
  let pushBaseline = { total: 0, failed: 0 };

  for (const base of ['/v1/ns/operator', '/v1/ns/ops']) {
    app.get(`${base}/metrics`, async (request) => {
      const p = Params.from(request);
      if (p.bool('onlyStatus', true)) return operatorStatus(ctx);
      return operatorMetrics(ctx);
    });

    app.get(`${base}/switches`, async () => ({ ...switches.toJson(), notInEffect: switches.notInEffect() }));

    app.put(`${base}/switches`, async (request) => {
      const p = Params.from(request);
      switches.update(p);
      const pending = switches.notInEffect();
      if (pending.length > 0) request.log.warn({ entry: p.str('entry'), notInEffect: pending }, 'switch kept but not applied by this server');
      return 'ok';
    });

    app.get(`${base}/push/state`, async (request) => {
      const p = Params.from(request);
      const total = push.stats.sent - push.stats.retried - pushBaseline.total;
      const failed = push.stats.failed - pushBaseline.failed;
      const succeed = total - failed;
      const reset = p.bool('reset', false);
      const state: Record<string, unknown> = { succeed, total, ratio: total > 0 ? succeed / total : 0, reset };
      // Cairn has no per-push failure log; the detail is who is subscribed.
      if (p.bool('detail', false)) {
        state.detail = push.subscribers().map((s) => ({ ip: s.clientIP, port: s.udpPort, namespaceId: s.namespace, serviceName: groupedName(s.group, s.name), agent: s.agent }));
      }
      if (reset) pushBaseline = { total: push.stats.sent - push.stats.retried, failed: push.stats.failed };
      return state;
    });
  }
}
