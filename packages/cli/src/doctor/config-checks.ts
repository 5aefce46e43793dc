import { diagnosisOf, requestConfigDiagnosis, type ConfigClientView, type ConfigDiagnosisView, type ConfigRef } from '../config-diagnosis.js';
import { apiUrl, httpRequest } from '../http.js';
import { fail, ok, skip, type Check, type DoctorState, type Outcome } from './check.js';

function refOf(state: DoctorState): ConfigRef {
  return { dataId: state.dataId!, group: state.group, namespace: state.namespace };
}

function where(state: DoctorState): string {
  return `${state.dataId} in group ${state.group}, namespace ${state.namespace}`;
}

/** The server's diagnosis, asked once and shared by both config checks. */
async function diagnosis(state: DoctorState): Promise<ConfigDiagnosisView | number> {
  if (state.configDiagnosis === undefined) {
    const answer = await requestConfigDiagnosis(state.address!.baseUrl, refOf(state), state.auth);
    state.configDiagnosis = diagnosisOf(answer) ?? answer.status;
  }
  return state.configDiagnosis;
}

export const configCheck: Check = {
  name: 'config',
  needs: ['namespace'],
  activity: (s) => `looking up config ${s.dataId} in ${s.group}`,
  async run(state) {
    const d = await diagnosis(state);
    if (typeof d === 'number') return d === 400 ? fail(`the server refused the config key (HTTP 400)`, 'check --data-id, --group and --namespace: letters, digits, _ - . :') : plainConfigCheck(state);
    if (d.config.exists) return ok(`${d.dataId} exists in group ${d.group}, md5 ${d.config.md5}`);
    return fail(
      `no config ${where(state)}: clients listening to it get md5 "" (no content)`,
      `publish it (cairn config publish --data-id ${state.dataId} --group ${state.group} --content …), or check the dataId, group and namespace the application reads`,
    );
  },
};

export const configClientCheck: Check = {
  name: 'listener',
  // Not `config`: a client may listen to a config that does not exist yet, and it should hold md5 "".
  needs: ['namespace'],
  activity: (s) => `asking which clients hold ${s.dataId}`,
  async run(state) {
    const d = await diagnosis(state);
    if (typeof d === 'number') return d === 400 ? skip('the server refused the config key') : plainClientCheck(state);
    const ip = state.clientIp ?? d.askedFrom;
    const mine = d.clients.filter((c) => c.ip === ip);
    const others = d.clients.filter((c) => c.ip !== ip).map((c) => c.ip);
    if (mine.length === 0) {
      return fail(
        `no client at ${ip} listens to or read ${where(state)}`,
        `start the application on this machine and check the dataId, group and namespace it uses${state.clientIp === undefined ? ' (or give --client-ip if the server sees it at another address)' : ''}`,
        [d.sentence, ...(others.length > 0 ? [`clients of this config: ${[...new Set(others)].join(', ')}`] : [])],
      );
    }
    const good = mine.find((c) => c.current && c.listening);
    if (good) return ok(`${ip} holds the current md5${d.config.exists ? ` ${good.expectedMd5}` : ' "" (the config does not exist)'} and listens for changes`, [good.sentence]);
    return clientFailure(mine[0], ip);
  },
};

/** As the server decides it: a fetch at the same millisecond counts as after the notification only if it got the new md5. */
function fetchedSinceNotified(c: ConfigClientView): boolean {
  if (c.notifiedAt === undefined || c.fetchedAt === undefined) return false;
  return c.fetchedAt > c.notifiedAt || (c.fetchedAt === c.notifiedAt && c.fetchedMd5 === c.notifiedMd5);
}

function clientFailure(c: ConfigClientView, ip: string): Outcome {
  const details = [c.sentence];
  if (c.listeningSince === undefined) {
    return fail(`${ip} read the config but never listened for changes`, "the application reads it without a listener: add one (Nacos's addListener, or the SDK's watch) to be told of new versions", details);
  }
  if (c.current) return fail(`${ip} holds the current md5 but does not listen for changes now`, 'make sure the application runs and can reach this server; its config client must keep polling (it re-polls about every 30 s)', details);
  if (!c.listening && c.notifiedAt !== undefined && !fetchedSinceNotified(c)) {
    return fail(
      `${ip} still holds an old version: it was notified but never fetched the new one`,
      'the client stopped right after the notification: check that it runs and that it can read the config (permissions, timeouts in its log)',
      details,
    );
  }
  if (c.fetchedAt !== undefined && c.fetchedMd5 === c.expectedMd5) {
    return fail(`${ip} fetched the current version but still polls with the old md5`, 'the application did not take the new content: check its config listener and its log', details);
  }
  return fail(
    `${ip} does not hold the current md5 (it holds ${c.md5 === '' ? '""' : c.md5})`,
    c.listening ? 'it should be told at its next poll; run this check again in a few seconds' : 'make sure the application runs and can reach this server',
    details,
  );
}

/** A plain Nacos server has no diagnosis: the detail says whether the config exists. */
async function plainConfigCheck(state: DoctorState): Promise<Outcome> {
  const answer = await httpRequest(apiUrl(state.address!.baseUrl, '/v1/cs/configs', { show: 'all', dataId: state.dataId, group: state.group, tenant: tenantOf(state), ...state.auth }));
  const md5 = (answer.json() as { md5?: string } | undefined)?.md5;
  if (answer.status === 200 && md5) return ok(`${state.dataId} exists in group ${state.group}, md5 ${md5} (this server gives no diagnosis)`);
  if (answer.status === 200) return fail(`no config ${where(state)}`, 'publish it, or check the dataId, group and namespace the application reads');
  return fail(`the server did not answer the config read: HTTP ${answer.status} ${answer.text.trim().slice(0, 100)}`, 'look at the server log');
}

/** A plain Nacos server: its listener query says which md5 each listening address holds. */
async function plainClientCheck(state: DoctorState): Promise<Outcome> {
  const base = state.address!.baseUrl;
  const query = { dataId: state.dataId, group: state.group, tenant: tenantOf(state), ...state.auth };
  const listeners = (await httpRequest(apiUrl(base, '/v1/cs/configs/listener', query))).json() as { lisentersGroupkeyStatus?: Record<string, string> } | undefined;
  const current = (await httpRequest(apiUrl(base, '/v1/cs/configs', { ...query, show: 'all' }))).json() as { md5?: string } | undefined;
  const status = listeners?.lisentersGroupkeyStatus;
  if (!status) return skip('this server answers no listener query');
  if (state.clientIp === undefined) return skip(`this server gives no diagnosis: give --client-ip to check one client (listening: ${Object.keys(status).join(', ') || 'none'})`);
  const held = status[state.clientIp];
  const md5 = current?.md5 ?? '';
  if (held === undefined) return fail(`no client at ${state.clientIp} listens to ${where(state)}`, 'start the application on that machine and check the dataId, group and namespace it uses');
  return held === md5 ? ok(`${state.clientIp} holds the current md5 ${md5 || '""'}`) : fail(`${state.clientIp} holds md5 ${held || '""'}, not the current ${md5 || '""'}`, 'make sure the application runs and can reach the server');
}

function tenantOf(state: DoctorState): string {
  return state.namespace === 'public' ? '' : state.namespace;
}
