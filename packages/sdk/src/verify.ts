import { isIP } from 'node:net';
import type { ServerAddress } from './address.js';
import { CairnAuthError, CairnConfigError, CairnRequestError } from './errors.js';
import type { ResolvedOptions } from './resolved-options.js';
import type { HttpV1Transport } from './transport/http-v1-transport.js';
import { parseJson } from './transport/http-v1-transport.js';

export interface VerifyOptions {
  /**
   * Every configured server must pass (default true): a typo in one address of three is still a typo.
   * With false, verify passes when at least one server passes.
   */
  allServers?: boolean;
}

const DEFAULT_CONTEXT_PATH = '/nacos';

/**
 * Checks the configuration against each server, in the order a person would: the host resolves, the port
 * answers, the context path is right, it is a Nacos-compatible server, the credentials are accepted, the
 * namespace exists. The first problem becomes one `CairnConfigError` naming the option to fix.
 */
export async function verifyConfiguration(o: ResolvedOptions, transport: HttpV1Transport, opts: VerifyOptions = {}): Promise<void> {
  const results = await Promise.all(
    o.servers.map((s) =>
      checkServer(o, transport, s).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ),
  );
  const errors = results.filter((e): e is Error => e !== undefined);
  if (errors.length === 0) return;
  if (opts.allServers === false && errors.length < o.servers.length) return;
  const first = errors[0];
  if (errors.length > 1 && first instanceof CairnConfigError) {
    throw new CairnConfigError(
      first.setting,
      `${first.message}\n(${errors.length - 1} more server(s) failed too: ${errors
        .slice(1)
        .map((e) => e.message)
        .join('; ')})`,
      first.server,
    );
  }
  throw first;
}

async function checkServer(o: ResolvedOptions, transport: HttpV1Transport, server: ServerAddress): Promise<void> {
  const where = `server '${server.label}'`;
  if (!isIP(server.host)) {
    try {
      await o.lookup(server.host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw new CairnConfigError('serverAddresses', `serverAddresses: the host name '${server.host}' of ${where} does not resolve (${code}); check the spelling or your DNS`, server.label);
    }
  }
  const contextPath = server.path ?? o.contextPath;
  const metrics = await get(transport, server, '/v1/ns/operator/metrics', { namespaceId: o.namespace }).catch((e: unknown) => e as CairnRequestError);
  if (metrics instanceof CairnRequestError) {
    if (metrics.kind === 'client-error' && metrics.status === 404) throw await contextPathError(o, transport, server, contextPath);
    if (metrics instanceof CairnAuthError && metrics.reason === 'throttled') throw requestError(o, metrics, server);
    if (metrics.kind !== 'client-error' || (metrics.status !== 401 && metrics.status !== 403)) throw networkError(metrics, server);
  } else {
    const json = parseJson(metrics) as { status?: unknown } | undefined;
    if (!json || typeof json !== 'object' || typeof json.status !== 'string') {
      throw new CairnConfigError('serverAddresses', `serverAddresses: ${where} answers HTTP at ${contextPath}/v1/ns/operator/metrics but not as a Nacos-compatible registry; is this the right port?`, server.label);
    }
  }
  // A naming read is what a client's credentials must allow; unknown service names answer an empty list.
  await get(transport, server, '/v1/ns/instance/list', { namespaceId: o.namespace, serviceName: 'DEFAULT_GROUP@@cairn-sdk-verify', healthyOnly: 'false' }).catch((e: unknown) => {
    throw requestError(o, e as CairnRequestError, server);
  });
  await checkNamespace(o, transport, server);
}

async function checkNamespace(o: ResolvedOptions, transport: HttpV1Transport, server: ServerAddress): Promise<void> {
  if (o.namespace === 'public') return;
  let body: string;
  try {
    body = await get(transport, server, '/v1/console/namespaces', {});
  } catch (error) {
    const e = error as CairnRequestError;
    if (e.status === 404) return; // a server without the console API: nothing to check against
    throw requestError(o, e, server);
  }
  const json = parseJson(body) as { data?: Array<{ namespace?: unknown; namespaceId?: unknown; namespaceShowName?: unknown }> } | undefined;
  const list = Array.isArray(json?.data) ? json.data : [];
  const ids = list.map((n) => String(n.namespaceId ?? n.namespace ?? '')).filter((id) => id !== '');
  if (ids.includes(o.namespace)) return;
  const byName = list.find((n) => n.namespaceShowName === o.namespace && n.namespace);
  const hint = byName
    ? ` '${o.namespace}' is the display name of namespace id '${String(byName.namespace)}': use the id.`
    : ` Known namespaces: public${ids
        .filter((i) => i !== 'public')
        .map((i) => `, ${i}`)
        .join('')}.`;
  throw new CairnConfigError('namespace', `namespace: '${o.namespace}' does not exist on server '${server.label}'.${hint}`, server.label);
}

function get(transport: HttpV1Transport, server: ServerAddress, path: string, params: Record<string, string>): Promise<string> {
  return transport.once(server, { method: 'GET', path, params }).then((a) => a.body);
}

function requestError(o: ResolvedOptions, e: CairnRequestError, server: ServerAddress): Error {
  if (e instanceof CairnAuthError && e.reason === 'throttled') return new CairnConfigError('password', `username/password: ${e.message}`, server.label);
  if (e.status === 401 || e.status === 403) {
    return o.credentials
      ? new CairnConfigError('password', `username/password: server '${server.label}' refused the credentials of user '${o.credentials.username}' (HTTP ${e.status}: ${e.body ?? ''}); check the username and password`, server.label)
      : new CairnConfigError('username', `username/password: server '${server.label}' requires authentication (HTTP ${e.status}); set the username and password options`, server.label);
  }
  if (e.kind === 'client-error') return new CairnConfigError('serverAddresses', `server '${server.label}' rejected a naming read: ${e.message}`, server.label);
  return networkError(e, server);
}

function networkError(e: CairnRequestError, server: ServerAddress): CairnConfigError {
  const why: Record<string, string> = {
    refused: 'nothing accepts connections there; check the port and that the server is running',
    timeout: 'no answer in time; check the address, the port and any firewall',
    dns: 'the host name does not resolve',
    reset: 'the connection was closed; is this an HTTP port of the registry?',
    'bad-answer': 'the answer is not from a Nacos-compatible registry',
    'server-error': 'the server answered with an error; see its log',
  };
  const target = server.label === `${server.host}:${server.port}` ? '' : ` (${server.host}:${server.port})`;
  return new CairnConfigError('serverAddresses', `serverAddresses: cannot use server '${server.label}'${target}: ${why[e.kind] ?? e.message} [${e.message}]`, server.label);
}

async function contextPathError(o: ResolvedOptions, transport: HttpV1Transport, server: ServerAddress, contextPath: string): Promise<CairnConfigError> {
  let hint = '';
  if (contextPath !== DEFAULT_CONTEXT_PATH) {
    const other: ServerAddress = { ...server, path: DEFAULT_CONTEXT_PATH };
    const works = await get(transport, other, '/v1/ns/operator/metrics', { namespaceId: o.namespace }).then(
      () => true,
      () => false,
    );
    if (works) hint = ` The server answers under '${DEFAULT_CONTEXT_PATH}': set contextPath to '${DEFAULT_CONTEXT_PATH}'.`;
  }
  const setting = server.path !== undefined ? 'serverAddresses' : 'contextPath';
  return new CairnConfigError(
    setting,
    `${setting}: server '${server.label}' has no Nacos API under '${contextPath}' (HTTP 404 for ${contextPath}/v1/ns/operator/metrics).${hint || ' Use the context path the server was started with (default /nacos).'}`,
    server.label,
  );
}
