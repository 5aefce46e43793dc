import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { replyConfigV2Error } from './config-v2-errors.js';
import { configV2Routes } from './config-v2-routes.js';
import { historyV2Routes } from './history-v2-routes.js';
import { searchV2Routes } from './search-v2-routes.js';

/** The config Open API v2 (`/v2/cs/...`) in its own scope: v2 envelopes, and a CAS mismatch answers code 20005. */
export function configV2Group(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(replyConfigV2Error);
    configV2Routes(scope, ctx);
    historyV2Routes(scope, ctx);
    searchV2Routes(scope, ctx);
  });
}
