import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * `/actuator/prometheus` under the context path, where Nacos serves its Prometheus scrape endpoint, so existing
 * scrape configs keep working. Gauges that walk the registry are computed here, at scrape time.
 */
export function metricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/actuator/prometheus', async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
