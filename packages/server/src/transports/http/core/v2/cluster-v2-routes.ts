import { invalidParam } from '@cairn/core';
import type { FastifyInstance } from 'fastify';
import type { MemberList } from '../../../../cluster/membership.js';
import { memberJson } from '../../../../wire/member-json.js';
import { Params } from '../../params.js';
import { v2Ok } from '../../reply-errors.js';

// Nacos's node states: STARTING and ISOLATION are valid filters that match no Cairn member.
const NODE_STATES = new Set(['STARTING', 'UP', 'SUSPICIOUS', 'DOWN', 'ISOLATION']);

/**
 * Nacos 2.x cluster endpoints, Result-wrapped `{code: 0, message: 'success', data}`:
 * - `GET /v2/core/cluster/node/self`: this node's member JSON;
 * - `GET /v2/core/cluster/node/list?address=&state=`: the members whose address starts with `address` and whose
 *   state is `state` (either may be omitted); an unknown state is a 400 naming the parameter;
 * - `GET /v2/core/cluster/node/self/health`: this node's state.
 */
export function clusterV2Routes(app: FastifyInstance, members: MemberList): void {
  app.get('/v2/core/cluster/node/self', async () => v2Ok(memberJson(members.self())));
  app.get('/v2/core/cluster/node/list', async (request) => {
    const p = Params.from(request);
    const address = p.str('address') ?? '';
    const state = p.str('state')?.toUpperCase();
    if (state !== undefined && !NODE_STATES.has(state)) {
      throw invalidParam('state', `Param 'state' must be one of ${[...NODE_STATES].join(', ')}, got '${p.str('state')}'.`);
    }
    return v2Ok(
      members
        .members()
        .filter((m) => m.address.startsWith(address) && (state === undefined || m.state === state))
        .map(memberJson),
    );
  });
  app.get('/v2/core/cluster/node/self/health', async () => v2Ok(members.self().state));
}
