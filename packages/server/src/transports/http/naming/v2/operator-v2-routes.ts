import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { operatorMetrics, operatorStatus } from '../operator-metrics.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';

/**
 * `/v2/ns/operator/{metrics,switches}` (alias `/v2/ns/ops/...`). Java clients take `status == "UP"` as a healthy
 * server; the status is UP unless the `overriddenServerStatus` switch says otherwise. The switches are the
 * server's one switch object, shared with the v1 routes.
 */
export function operatorV2Routes(app: FastifyInstance, ctx: AppContext): void {
  for (const prefix of ['/v2/ns/operator', '/v2/ns/ops']) {
    app.get(`${prefix}/metrics`, async (request) => {
      const p = Params.from(request);
      return v2Ok(p.bool('onlyStatus', true) ? operatorStatus(ctx) : operatorMetrics(ctx));
    });
    app.get(`${prefix}/switches`, async () => v2Ok({ ...ctx.switches.toJson(), notInEffect: ctx.switches.notInEffect() }));
    app.put(`${prefix}/switches`, async (request) => {
      ctx.switches.update(Params.from(request));
      return v2Ok('ok');
    });
  }
}
