import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { catalogV2Routes } from './catalog-v2-routes.js';
import { clientV2Routes } from './client-v2-routes.js';
import { healthV2Routes } from './health-v2-routes.js';
import { instanceV2Routes } from './instance-v2-routes.js';
import { operatorV2Routes } from './operator-v2-routes.js';
import { serviceV2Routes } from './service-v2-routes.js';
import { replyNamingV2Error } from './v2-errors.js';

/**
 * The naming Open API v2 (`/v2/ns/...`). Its own scope adds one v2 rule to the shared error handler:
 * a bad weight answers Nacos code 21001.
 */
export function namingV2Routes(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(replyNamingV2Error);
    instanceV2Routes(scope, ctx);
    serviceV2Routes(scope, ctx);
    catalogV2Routes(scope, ctx);
    healthV2Routes(scope, ctx);
    operatorV2Routes(scope, ctx);
    clientV2Routes(scope, ctx);
  });
}
