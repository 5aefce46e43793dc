import { httpRequest, NoAnswerError, type HttpAnswer } from '../http.js';
import { DEFAULT_CONTEXT_PATH, withContextPath, type ServerAddress } from '../server-address.js';
import { fail, ok, type Check } from './check.js';
import { otherPortHint } from './network-checks.js';

const METRICS = '/v1/ns/operator/metrics';

export const serverCheck: Check = {
  name: 'server',
  needs: ['tcp'],
  activity: (s) => `asking ${s.address!.baseUrl}${METRICS}`,
  async run(state) {
    const address = state.address!;
    let answer: HttpAnswer;
    try {
      answer = await httpRequest(`${address.baseUrl}${METRICS}`);
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      return fail(`connected, but got no HTTP answer: ${error.message}`, `this port is served by something else than the registry's HTTP API${otherPortHint(address.port)}: point --server at its HTTP port (8848 by default)`);
    }
    const status = statusOf(answer);
    if (status === 'UP') return ok(`${await identify(address)} answers at ${address.contextPath || '/'}, status UP`);
    if (status !== undefined) {
      return fail(`the server answers but reports status ${status}`, statusHint(status));
    }
    // A server with auth may refuse the metrics; it still answered as Nacos, and the credentials check decides.
    if (answer.status === 403) return ok(`a Nacos server answers at ${address.contextPath || '/'} (it asks for credentials)`);
    const found = await findContextPath(address);
    if (found !== undefined) {
      return fail(`wrong context path: ${address.contextPath || '/'} answers HTTP ${answer.status}, but the server answers at ${found || '/'}`, `use --server ${withContextPath(address, found)}`);
    }
    return fail(
      `HTTP ${answer.status} at ${address.contextPath || '/'}${METRICS}: this is not a Cairn or Nacos server, or it runs under another context path`,
      `point --server at the registry (e.g. http://${address.hostPort}${DEFAULT_CONTEXT_PATH}); if its context path was changed, give it in the address: http://${address.hostPort}/<context-path>`,
      answer.text.trim() === '' ? [] : [`the answer was: ${clip(answer.text)}`],
    );
  },
};

/** `UP`, `DOWN`, … from a metrics answer; undefined when the answer is not Nacos's. */
function statusOf(answer: HttpAnswer): string | undefined {
  if (answer.status !== 200) return undefined;
  const body = answer.json() as { status?: unknown } | undefined;
  return typeof body?.status === 'string' ? body.status : undefined;
}

/** "Cairn 0.1.0 (Nacos API 2.5.1)" or "Nacos 2.5.1", from the server state; a plain name when it says nothing. */
async function identify(address: ServerAddress): Promise<string> {
  try {
    const state = (await httpRequest(`${address.baseUrl}/v1/console/server/state`)).json() as Record<string, unknown> | undefined;
    // Before nacos_api_version existed, Cairn answered the Nacos API version as `version`.
    if (typeof state?.cairn_version === 'string') return `Cairn ${state.cairn_version} (Nacos API ${String(state.nacos_api_version ?? state.version)})`;
    if (typeof state?.version === 'string') return `Nacos ${state.version}`;
  } catch {
    // The identity is a nicety; the metrics answer already proved the server.
  }
  return 'a Nacos-compatible server';
}

/** The context path the server does answer at, among the usual ones; undefined when none answers. */
async function findContextPath(address: ServerAddress): Promise<string | undefined> {
  // Also the given path with an API suffix removed: people paste `/nacos/v1/ns` from curl examples.
  const candidates = [...new Set([DEFAULT_CONTEXT_PATH, '', address.contextPath.replace(/\/v[1-3](\/.*)?$/, '')])].filter((p) => p !== address.contextPath);
  for (const path of candidates) {
    try {
      if (statusOf(await httpRequest(`http://${address.hostPort}${path}${METRICS}`)) !== undefined) return path;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function clip(text: string): string {
  const one = text.trim().replace(/\s+/g, ' ');
  return one.length > 160 ? `${one.slice(0, 159)}…` : one;
}

/** What a status other than UP means: an operator's switch, or a server still starting. */
export function statusHint(status: string): string {
  if (['DOWN', 'PAUSED', 'WRITE_ONLY', 'READ_ONLY'].includes(status)) {
    return `an operator set the switch overriddenServerStatus to ${status}; set it back with: curl -X PUT '<server>/v1/ns/operator/switches?entry=overriddenServerStatus&value='`;
  }
  return 'it is starting or unhealthy: wait a few seconds and look at the server log';
}
