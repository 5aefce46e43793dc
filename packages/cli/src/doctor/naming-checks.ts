import { apiUrl, httpRequest } from '../http.js';
import { fail, ok, skip, type Check, type DoctorState } from './check.js';
import { instanceFix } from './instance-fix.js';

interface NamespaceEntry {
  namespace?: string;
  namespaceId?: string;
  namespaceShowName?: string;
}

export const namespaceCheck: Check = {
  name: 'namespace',
  needs: ['credentials'],
  activity: (s) => `looking up namespace '${s.namespace}'`,
  async run(state) {
    const answer = await httpRequest(apiUrl(state.address!.baseUrl, '/v1/console/namespaces', state.auth));
    const list = (answer.json() as { data?: NamespaceEntry[] } | undefined)?.data;
    if (answer.status !== 200 || !Array.isArray(list)) {
      return state.namespace === 'public' ? ok("'public' (the server does not list namespaces; public always exists)") : skip(`the server does not list namespaces (HTTP ${answer.status})`);
    }
    // Nacos 2.x lists the public namespace as "" and naming calls use `public`; Cairn adds `namespaceId`.
    const entries = list.map((n) => ({ id: n.namespaceId ?? (n.namespace === '' || n.namespace === undefined ? 'public' : n.namespace), name: n.namespaceShowName ?? '' }));
    const wanted = state.namespace === '' ? 'public' : state.namespace;
    const hit = entries.find((n) => n.id === wanted);
    if (hit) return ok(`'${hit.id}'${hit.name && hit.name !== hit.id ? ` (${hit.name})` : ''} exists`);
    const known = entries.map((n) => (n.name && n.name !== n.id ? `${n.id} (${n.name})` : n.id)).join(', ');
    const byName = entries.find((n) => n.name === wanted);
    if (byName) {
      return fail(`'${wanted}' is the display name of namespace '${byName.id}'; clients and this flag take the id`, `use --namespace ${byName.id}`, [`namespaces on this server: ${known}`]);
    }
    return fail(
      `namespace '${wanted}' does not exist on this server`,
      `use --namespace with one of the existing ids, or create it: curl -X POST '${state.address!.baseUrl}/v1/console/namespaces' -d customNamespaceId=${wanted} -d namespaceName=${wanted}`,
      [`namespaces on this server: ${known}`],
    );
  },
};

export const serviceCheck: Check = {
  name: 'service',
  needs: ['namespace'],
  activity: (s) => `looking up service ${s.group}@@${s.service ?? ''}`,
  async run(state) {
    if (state.service === undefined) return skip('no --service given');
    const base = state.address!.baseUrl;
    const ref = { serviceName: state.service, groupName: state.group, namespaceId: state.namespace, ...state.auth };
    const detail = await httpRequest(apiUrl(base, '/v1/ns/service', ref));
    if (detail.status === 200) {
      const list = (await httpRequest(apiUrl(base, '/v1/ns/instance/list', { ...ref, healthyOnly: false }))).json() as { hosts?: { healthy?: boolean }[] } | undefined;
      const hosts = list?.hosts ?? [];
      const healthy = hosts.filter((h) => h.healthy).length;
      return ok(`${state.group}@@${state.service} exists: ${hosts.length} instance${hosts.length === 1 ? '' : 's'} visible to consumers, ${healthy} healthy`);
    }
    if (detail.status >= 500) return fail(`the server failed to look up the service: HTTP ${detail.status} ${detail.text.trim()}`, 'look at the server log');
    const elsewhere = await findElsewhere(state);
    const where = `namespace '${state.namespace}', group '${state.group}'`;
    if (elsewhere.length > 0) {
      const first = elsewhere[0];
      return fail(
        `no service '${state.service}' in ${where}, but it exists in namespace '${first.namespace}', group '${first.group}'`,
        `use ${first.namespace === state.namespace ? '' : `--namespace ${first.namespace} `}--group ${first.group}, or fix the client's namespace/group setting`,
        elsewhere.length > 1
          ? [
              `also in: ${elsewhere
                .slice(1)
                .map((e) => `${e.namespace}/${e.group}`)
                .join(', ')}`,
            ]
          : [],
      );
    }
    return fail(`no service '${state.service}' in ${where}, nor in any other namespace or group`, 'a service appears when its first instance registers: start the client (it registers at start) and check the service name it uses');
  },
};

export const instanceCheck: Check = {
  name: 'instance',
  // Not `service`: when the service is gone the journal may still say why its instance left.
  needs: ['namespace'],
  activity: (s) => `asking the server about ${s.ip}:${s.port}`,
  async run(state) {
    if (state.service === undefined || state.ip === undefined || state.port === undefined) {
      return skip(state.service === undefined ? 'no --service, --ip and --port given' : 'give --ip and --port to check one instance');
    }
    const base = state.address!.baseUrl;
    const where = `${state.ip}:${state.port}`;
    const query = { serviceName: state.service, groupName: state.group, namespaceId: state.namespace, ip: state.ip, port: state.port, ...state.auth };
    const answer = await httpRequest(apiUrl(base, '/v1/cairn/diagnosis', query));
    const diagnosis = answer.json() as Diagnosis | undefined;
    if (answer.status === 200 && diagnosis && typeof diagnosis.state === 'string') {
      const details = [diagnosis.explanation];
      if (diagnosis.state === 'healthy') return ok(`${where} is healthy`, details);
      return fail(`${where} is ${describeState(diagnosis.state)}`, instanceFix(diagnosis, state), details);
    }
    if (answer.status === 400) return fail(`the server refused the instance address: ${answer.text.trim()}`, 'check --ip and --port');
    // A plain Nacos server has no diagnosis: fall back to the instance detail.
    return plainInstanceState(state, where);
  },
};

export interface Diagnosis {
  state: string;
  explanation: string;
  lastTransition: { cause: string } | null;
  instance: { ephemeral?: boolean } | null;
  seenElsewhere?: { namespace: string; group: string; service: string }[];
}

function describeState(state: string): string {
  const words: Record<string, string> = {
    unhealthy: 'registered but unhealthy',
    disabled: 'registered but disabled (taken out of traffic)',
    absent: 'not registered any more',
    unknown: 'unknown to this service',
  };
  return words[state] ?? state;
}

async function plainInstanceState(state: DoctorState, where: string) {
  const query = { serviceName: state.service, groupName: state.group, namespaceId: state.namespace, ip: state.ip, port: state.port, ...state.auth };
  const detail = await httpRequest(apiUrl(state.address!.baseUrl, '/v1/ns/instance', query));
  const body = detail.json() as { healthy?: boolean } | undefined;
  if (detail.status === 200 && body) {
    return body.healthy ? ok(`${where} is healthy (this server gives no diagnosis)`) : fail(`${where} is registered but unhealthy`, 'make sure the client process runs and can reach the server; it must keep sending heartbeats');
  }
  return fail(`${where} is not registered (this server gives no diagnosis)`, 'start the client, or register it: cairn instance register --service … --ip … --port …');
}

async function findElsewhere(state: DoctorState): Promise<{ namespace: string; group: string }[]> {
  const answer = await httpRequest(apiUrl(state.address!.baseUrl, '/v1/ns/service/names', { expr: escapeRegex(state.service!), ...state.auth }));
  const body = answer.json() as { services?: Record<string, string[]>; 'META-INF/services'?: Record<string, string[]> } | undefined;
  const byNamespace = body?.services ?? body?.['META-INF/services'] ?? {};
  const found: { namespace: string; group: string }[] = [];
  for (const [namespace, names] of Object.entries(byNamespace)) {
    for (const grouped of names) {
      const at = grouped.indexOf('@@');
      if (at > 0 && grouped.slice(at + 2) === state.service) found.push({ namespace: namespace === '' ? 'public' : namespace, group: grouped.slice(0, at) });
    }
  }
  return found;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
