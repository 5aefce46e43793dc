import type { FastifyInstance } from 'fastify';
import type { MemberList } from '../../../../cluster/membership.js';
import { memberJson } from '../../../../wire/member-json.js';
import { Params } from '../../params.js';

const ok = (data: unknown) => ({ code: 200, message: null, data });

/**
 * Nacos 1.x/2.x cluster endpoints, each a RestResult `{code: 200, message: null, data}`:
 * - `GET /v1/core/cluster/self`: this node's member JSON;
 * - `GET /v1/core/cluster/nodes?keyword=`: every member whose address contains `keyword` (all without it);
 * - `GET /v1/core/cluster/simple/nodes`: the members' addresses;
 * - `GET /v1/core/cluster/health`: this node's state (`UP`, `SUSPICIOUS`, `DOWN`).
 * Without cluster mode the one member is this node, UP (as Nacos standalone lists itself).
 */
export function clusterRoutes(app: FastifyInstance, members: MemberList): void {
  app.get('/v1/core/cluster/self', async () => ok(memberJson(members.self())));
  app.get('/v1/core/cluster/nodes', async (request) => {
    const keyword = Params.from(request).str('keyword') ?? '';
    return ok(
      members
        .members()
        .filter((m) => m.address.includes(keyword))
        .map(memberJson),
    );
  });
  app.get('/v1/core/cluster/simple/nodes', async () => ok(members.members().map((m) => m.address)));
  app.get('/v1/core/cluster/health', async () => ok(members.self().state));
}
