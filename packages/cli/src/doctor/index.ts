import { DEFAULT_GROUP } from '@cairn/sdk';
import { UsageError } from '../args.js';
import { EXIT_FAILED, EXIT_OK, int, str, type Command } from '../command.js';
import { Progress } from '../progress.js';
import { loginsFile, TokenStore, type StoredLogin } from '../auth/token-store.js';
import { parseServerAddress, serverAddressFrom } from '../server-address.js';
import { printJson } from '../table.js';
import { runChecks, type Check, type DoctorState, type LookupAll } from './check.js';
import { configCheck, configClientCheck } from './config-checks.js';
import { instanceCheck, namespaceCheck, serviceCheck } from './naming-checks.js';
import { addressCheck, dnsCheck, systemLookup, tcpCheck } from './network-checks.js';
import { grpcCheck } from './grpc-check.js';
import { formatResult, formatVerdict } from './report.js';
import { credentialsCheck } from './credentials-check.js';
import { serverCheck } from './server-checks.js';

/** In the order a client meets them: each one only makes sense once the ones before it pass. */
export const CHECKS: Check[] = [addressCheck, dnsCheck, tcpCheck, serverCheck, grpcCheck, credentialsCheck, namespaceCheck, serviceCheck, instanceCheck];
/** Added after the others when a config is named (`--data-id`). */
export const CONFIG_CHECKS: Check[] = [configCheck, configClientCheck];

export function doctorCommand(lookup: LookupAll = systemLookup): Command {
  return {
    words: ['doctor'],
    credentials: 'own',
    summary: 'check, step by step, why a client cannot use the registry or why an instance went offline',
    details: `Checks in order: address, dns, tcp, server, grpc (the gRPC port, HTTP port + 1000, answers a ServerCheck),
credentials, namespace, service, instance; with --data-id
also config (it exists) and listener (this machine's client listens and holds its current version). Each prints ok,
FAIL (with a fix) or skip (with the reason); the exit code is 1 when any check fails.

Examples:
  cairn doctor --server 127.0.0.1:8848 --service orders --ip 10.0.0.7 --port 8080
  cairn doctor --server 127.0.0.1:8848 --data-id orders.yaml --group DEFAULT_GROUP`,
    flags: [
      { name: 'group', kind: 'string', value: 'GROUP', help: `group of the service or config (default ${DEFAULT_GROUP})` },
      { name: 'service', kind: 'string', value: 'NAME', help: 'check that this service exists' },
      { name: 'ip', kind: 'string', value: 'IP', help: 'with --port: the instance to diagnose' },
      { name: 'port', kind: 'int', value: 'PORT', help: 'with --ip: the instance to diagnose' },
      { name: 'data-id', kind: 'string', value: 'ID', help: "check this config and whether this machine's client holds its current version" },
      { name: 'tenant', kind: 'string', value: 'NS', help: 'namespace of the config, as Nacos config calls it (default --namespace)' },
      { name: 'client-ip', kind: 'string', value: 'IP', help: "with --data-id: the config client's address, when the server sees it elsewhere than this doctor" },
    ],
    async run(flags, io) {
      const ip = str(flags, 'ip');
      const port = int(flags, 'port');
      const service = str(flags, 'service');
      if ((ip === undefined) !== (port === undefined)) throw new UsageError('--ip and --port go together');
      if (ip !== undefined && service === undefined) throw new UsageError('--ip and --port need --service');
      if (str(flags, 'password') !== undefined) io.err('cairn: warning: --password is visible to other users of this machine (ps); use CAIRN_PASSWORD instead\n');
      const password = str(flags, 'password') ?? io.env.CAIRN_PASSWORD;
      const username = str(flags, 'username');
      if (password !== undefined && username === undefined && str(flags, 'password') !== undefined) throw new UsageError('--password needs --username');
      const dataId = str(flags, 'data-id');
      const tenant = str(flags, 'tenant');
      if (dataId === undefined && (tenant !== undefined || str(flags, 'client-ip') !== undefined)) throw new UsageError('--tenant and --client-ip go with --data-id');
      if (tenant !== undefined && str(flags, 'namespace') !== undefined && tenant !== str(flags, 'namespace')) throw new UsageError('--tenant and --namespace name two namespaces: give one');
      const state: DoctorState = {
        serverInput: serverAddressFrom(str(flags, 'server'), io.env),
        namespace: tenant === '' ? 'public' : (tenant ?? str(flags, 'namespace') ?? 'public'),
        group: str(flags, 'group') ?? DEFAULT_GROUP,
        service,
        ip,
        port,
        username,
        password,
        storedLogin: username === undefined ? storedLoginOf(str(flags, 'server'), io.env) : undefined,
        lookup,
        auth: {},
        dataId,
        clientIp: str(flags, 'client-ip'),
      };
      const json = flags.json === true;
      const progress = new Progress({ write: (t) => io.err(t), isTTY: io.stderrIsTTY });
      if (!json) io.out(`cairn doctor: ${state.serverInput}\n\n`);
      const results = await runChecks(
        dataId === undefined ? CHECKS : [...CHECKS, ...CONFIG_CHECKS],
        state,
        (label) => progress.update(`${label} …`),
        (r) => {
          progress.done();
          if (!json) io.out(formatResult(r));
        },
      );
      const failed = results.some((r) => r.status === 'fail');
      io.out(json ? printJson({ server: state.address?.baseUrl ?? state.serverInput, ok: !failed, checks: results }) : formatVerdict(results));
      return failed ? EXIT_FAILED : EXIT_OK;
    },
  };
}

/** The stored `cairn login` of the server named, if any (a malformed address has none; the address check says why). */
function storedLoginOf(server: string | undefined, env: Record<string, string | undefined>): StoredLogin | undefined {
  try {
    return new TokenStore(loginsFile(env)).get(parseServerAddress(serverAddressFrom(server, env)).baseUrl);
  } catch {
    return undefined;
  }
}
