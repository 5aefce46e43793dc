import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';

/** Cairn's own version, from its package. */
const CAIRN_VERSION = (createRequire(import.meta.url)('../../../../../package.json') as { version: string }).version;
/** The Nacos release whose HTTP API Cairn answers as (the facts in docs/compatibility.md are checked against it). */
const NACOS_API_VERSION = '2.5.1';

/** What the state tells of the running server's settings. */
export interface ServerStateFacts {
  /** `sqlite`, `mysql` or `postgresql`: the database the config (and everything durable) is stored in. */
  datasourcePlatform: string;
  configHistoryMaxAgeMs: number;
  /** Requests need credentials (the console then shows its login page). */
  authEnabled: boolean;
  /** Started with `--cluster true`: one of several nodes on a shared database. */
  cluster: boolean;
}

/**
 * `GET /v1/console/server/state`: Nacos's flat map describing the server, as the Nacos console and tools read it.
 * Every value is true of Cairn: `version` is Cairn's own (no client is known to branch on it; the Nacos console only
 * shows it), `nacos_api_version` the Nacos API it answers, `function_mode` is null because Cairn serves naming and
 * config (Nacos: null = both, `naming`, `config`), and the mode is `cluster` with `--cluster true`, else `standalone`.
 */
export function serverStateRoutes(app: FastifyInstance, facts: ServerStateFacts): void {
  app.get('/v1/console/server/state', async (request) => ({
    version: CAIRN_VERSION,
    cairn_version: CAIRN_VERSION,
    nacos_api_version: NACOS_API_VERSION,
    standalone_mode: facts.cluster ? 'cluster' : 'standalone',
    startup_mode: facts.cluster ? 'cluster' : 'standalone',
    function_mode: null,
    server_port: String(request.socket.localPort),
    auth_enabled: String(facts.authEnabled),
    login_page_enabled: String(facts.authEnabled),
    auth_system_type: 'nacos',
    auth_admin_request: 'false',
    datasource_platform: facts.datasourcePlatform,
    config_retention_days: String(Math.round(facts.configHistoryMaxAgeMs / 86_400_000)),
  }));
}
