import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { NACOS_CODE_TEXT } from '../error-table.js';
import type { SwitchDomain } from './switch-domain.js';

/** Nacos's naming server statuses. */
export const SERVER_STATUSES = ['UP', 'DOWN', 'STARTING', 'PAUSED', 'WRITE_ONLY', 'READ_ONLY'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/** Nacos v2's code for a server-side failure, which it answers for a 503 too. */
const SERVER_ERROR = 30000;

/** The naming client APIs a status can refuse: all of `/v1/ns/*` and `/v2/ns/*` but the operator endpoints. */
const CLIENT_API = /^\/v[12]\/ns\/(?!operator\/|ops\/)/;

export function isServerStatus(value: string): value is ServerStatus {
  return (SERVER_STATUSES as readonly string[]).includes(value);
}

/**
 * The server's status: the `overriddenServerStatus` switch when an operator set it, else UP. (Nacos is DOWN until
 * its data warm-up ends, when warm-up is on; Cairn has no warm-up: it has loaded its storage before it listens.)
 */
export function serverStatusOf(switches: SwitchDomain): ServerStatus {
  return switches.setting('overriddenServerStatus') ?? 'UP';
}

/**
 * Nacos's rule (TrafficReviseFilter): UP admits everything, WRITE_ONLY admits writes (any method but GET),
 * READ_ONLY admits reads (GET), DOWN, STARTING and PAUSED admit nothing. HEAD counts as a read here.
 */
function admits(status: ServerStatus, method: string): boolean {
  if (status === 'UP') return true;
  const read = method === 'GET' || method === 'HEAD';
  return (status === 'WRITE_ONLY' && !read) || (status === 'READ_ONLY' && read);
}

/** Why a request is refused, naming the status and the switch that set it. */
function refusal(status: ServerStatus): string {
  const what = status === 'WRITE_ONLY' ? ': it answers writes only' : status === 'READ_ONLY' ? ': it answers reads only' : '';
  return `server is ${status} now (switch overriddenServerStatus)${what}, please try again later!`;
}

/**
 * Refuses the naming client APIs (`/v1/ns/*` and `/v2/ns/*`) with 503 while the status does not admit the
 * request. The operator endpoints (`/operator/*`, `/ops/*`) stay reachable so that the status can be set back;
 * the console and Cairn's own endpoints are not naming APIs and are never refused (as in Nacos).
 * v1 answers plain text, v2 `{code: 30000, message, data}` (what Nacos v2 makes of a 503 NacosException).
 */
export function installServerStatusGate(app: FastifyInstance, contextPath: string, switches: SwitchDomain): void {
  // Attached per route when the route is added, so requests to other routes pay nothing and no request has to read
  // its route (Fastify builds `request.routeOptions` anew on every access).
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(contextPath) || !CLIENT_API.test(route.url.slice(contextPath.length))) return;
    const v2 = route.url.startsWith(`${contextPath}/v2/`);
    const gate: onRequestHookHandler = (request, reply, done) => {
      const status = serverStatusOf(switches);
      if (status === 'UP' || admits(status, request.method)) {
        done();
        return;
      }
      const message = refusal(status);
      if (v2) void reply.code(503).send({ code: SERVER_ERROR, message: NACOS_CODE_TEXT[SERVER_ERROR], data: message });
      else void reply.code(503).type('text/plain; charset=utf-8').send(message);
    };
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [gate] : [gate, ...(Array.isArray(existing) ? existing : [existing])];
  });
}
