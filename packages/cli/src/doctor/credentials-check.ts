import { apiUrl, httpRequest } from '../http.js';
import { fail, ok, type Check, type DoctorState } from './check.js';
import { clip } from './server-checks.js';

const STALE_TOKEN = /token expired|token invalid|invalid signature/i;

/**
 * Logs in with `--username` (or takes the stored `cairn login` of the server), then reads the namespace, and the
 * service with `--service`, as a client with these credentials would. Each refusal is named with its fix: wrong
 * username or password (the server answers both alike), throttled logins, an expired stored login, no read
 * permission on the namespace or the service.
 */
export const credentialsCheck: Check = {
  name: 'credentials',
  needs: ['server'],
  activity: () => 'checking credentials',
  async run(state) {
    const base = state.address!.baseUrl;
    let who: string | undefined;
    if (state.username !== undefined) {
      const login = await httpRequest(`${base}/v1/auth/login`, { method: 'POST', form: { username: state.username, password: state.password ?? '' } });
      if (login.status === 429) {
        return fail(
          `too many failed logins for '${state.username}' or from this address: the server checks no password now (${clip(login.text)})`,
          'wait until the server tries passwords again, then check the password; an administrator sees the refused logins with: cairn events --cause LOGIN_FAILED',
        );
      }
      if (login.status === 401 || login.status === 403) {
        return fail(
          `wrong username or password: the server refused the login of '${state.username}'`,
          'check --username and the password (CAIRN_PASSWORD); the server answers an unknown user and a wrong password alike, so ask its administrator which it is',
        );
      }
      const token = (login.json() as { accessToken?: unknown } | undefined)?.accessToken;
      if (login.status === 200 && token === 'AUTH_DISABLED') return ok('not required by this server (authentication is off; the username and password are not checked)');
      if (login.status === 200 && typeof token === 'string') {
        state.auth = { accessToken: token };
        who = state.username;
      }
    } else if (state.storedLogin !== undefined) {
      const stored = state.storedLogin;
      if (Date.now() >= stored.expiresAt) {
        return fail(`the login kept for this server (user '${stored.username}') expired at ${new Date(stored.expiresAt).toISOString()}`, `log in again: cairn login --server ${state.serverInput} --username ${stored.username}`);
      }
      state.auth = { accessToken: stored.accessToken };
      who = stored.username;
    }
    const namespaceRead = await readable(state, { namespaceId: state.namespace, pageNo: 1, pageSize: 1 }, '/v1/ns/service/list');
    if (namespaceRead !== true && STALE_TOKEN.test(namespaceRead)) {
      return fail(`the server refused the token of '${who}': ${clip(namespaceRead)}`, `log in again: cairn login --server ${state.serverInput} --username ${who}`);
    }
    if (namespaceRead !== true && who === undefined) {
      return fail('the server requires credentials', `log in: cairn login --server ${state.serverInput} --username USER (or pass --username, the password in CAIRN_PASSWORD)`);
    }
    const service = state.service === undefined ? true : await readable(state, { namespaceId: state.namespace, groupName: state.group, serviceName: state.service, healthyOnly: false }, '/v1/ns/instance/list');
    if (service !== true) return fail(`user '${who}' may not read service ${state.group}@@${state.service} in namespace '${state.namespace}': ${clip(service)}`, grantFix(state, who!, state.service!));
    if (namespaceRead !== true) {
      if (state.service !== undefined) return ok(`accepted: logged in as '${who}', who may read service ${state.group}@@${state.service} (not the whole namespace '${state.namespace}')`);
      return fail(`user '${who}' may not read namespace '${state.namespace}': ${clip(namespaceRead)}`, `${grantFix(state, who!, '*')}; or name the service the client uses with --service`);
    }
    if (who !== undefined && state.service === undefined && (await visibleServices(state)) === 0) {
      // Cairn lists only the services a user may read: none may mean an empty namespace or no read permission.
      return ok(`accepted: logged in as '${who}'`, [`the server lists no service of namespace '${state.namespace}' that '${who}' may read; give --service to check one`]);
    }
    if (who !== undefined) return ok(`accepted: logged in as '${who}'`);
    return ok('not required by this server');
  },
};

/** True when the server lets these credentials read `path`, else its refusal's text. */
async function readable(state: DoctorState, query: Record<string, string | number | boolean>, path: string): Promise<true | string> {
  const answer = await httpRequest(apiUrl(state.address!.baseUrl, path, { ...query, ...state.auth }));
  return answer.status === 401 || answer.status === 403 ? answer.text.trim() || `HTTP ${answer.status}` : true;
}

/** How many services of the namespace the server lists for these credentials. */
async function visibleServices(state: DoctorState): Promise<number> {
  const answer = await httpRequest(apiUrl(state.address!.baseUrl, '/v1/ns/service/list', { namespaceId: state.namespace, pageNo: 1, pageSize: 1, ...state.auth }));
  return Number((answer.json() as { count?: unknown } | undefined)?.count ?? 0);
}

function grantFix(state: DoctorState, who: string, service: string): string {
  const namespace = state.namespace === 'public' ? '' : state.namespace;
  const group = service === '*' ? '*' : state.group;
  return `an administrator grants a role of '${who}' read on '${namespace}:${group}:naming/${service}' (or uses another account)`;
}
