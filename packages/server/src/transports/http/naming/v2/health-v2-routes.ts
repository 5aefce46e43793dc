import { missingParam } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { originOf } from '../../origin.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';
import { clusterParam } from '../wire-params.js';
import { serviceRefV2 } from './v2-params.js';

/**
 * `PUT /v2/ns/health/instance` (and `/v2/ns/health`): manual health marking, which core allows only for
 * persistent instances in a cluster whose checker is NONE (otherwise 400 code 21011).
 */
export function healthV2Routes(app: FastifyInstance, ctx: AppContext): void {
  for (const url of ['/v2/ns/health/instance', '/v2/ns/health']) {
    app.put(url, async (request) => {
      const p = Params.from(request);
      const healthy = p.bool('healthy');
      if (healthy === undefined) throw missingParam('healthy');
      const ref = serviceRefV2(p);
      ctx.registry.markHealth({ namespace: ref.namespace, group: ref.group, name: ref.name, ip: p.required('ip'), port: p.requiredInt('port'), cluster: clusterParam(p), healthy }, originOf(request, p.str('username')));
      return v2Ok('ok');
    });
  }
}
