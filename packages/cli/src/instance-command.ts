import { DEFAULT_GROUP, type Instance, type InstanceInput, type NamingClient } from '@cairn/sdk';
import { UsageError, type FlagSpec, type FlagValues } from './args.js';
import { bool, EXIT_OK, int, str, type CliIo, type Command } from './command.js';
import { reportFailure } from './failures.js';
import { Progress } from './progress.js';
import { asUsageError, namingClientFor, withNamingClient } from './sdk-client.js';
import { serverAddressFrom } from './server-address.js';
import { formatMetadata, formatTable, printJson } from './table.js';

const SERVICE_FLAGS: FlagSpec[] = [
  { name: 'service', kind: 'string', value: 'NAME', help: 'the service', required: true },
  { name: 'group', kind: 'string', value: 'GROUP', help: `group of the service (default ${DEFAULT_GROUP})` },
];
const ADDRESS_FLAGS: FlagSpec[] = [
  { name: 'ip', kind: 'string', value: 'IP', help: "the instance's IP address", required: true },
  { name: 'port', kind: 'int', value: 'PORT', help: "the instance's port", required: true },
];

export const instanceRegisterCommand: Command = {
  words: ['instance', 'register'],
  summary: 'register an instance',
  details: `An ephemeral instance (the default) lives only while heartbeats arrive. Without --keep-alive this
command registers and exits, so the instance turns unhealthy after the server's beat timeout (15 s by default)
and is removed after its delete timeout (30 s). With --keep-alive it beats until Ctrl-C or SIGTERM, then
deregisters. Use --ephemeral false for an instance that stays until deregistered.

Example:
  cairn instance register --service orders --ip 127.0.0.1 --port 8080 --metadata version=2,zone=a --keep-alive`,
  flags: [
    ...SERVICE_FLAGS,
    ...ADDRESS_FLAGS,
    { name: 'cluster', kind: 'string', value: 'NAME', help: 'cluster (default DEFAULT)' },
    { name: 'weight', kind: 'string', value: 'W', help: 'weight from 0 to 10000 (default 1)' },
    { name: 'metadata', kind: 'string', value: 'K=V,…', help: 'metadata as k=v,k2=v2 or a JSON object' },
    { name: 'ephemeral', kind: 'bool', help: 'kept alive by heartbeats (default true)' },
    { name: 'enabled', kind: 'bool', help: 'visible to consumers (default true)' },
    { name: 'keep-alive', kind: 'bool', help: 'stay in the foreground sending heartbeats; deregister on exit' },
  ],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const service = str(flags, 'service')!;
    const group = str(flags, 'group') ?? DEFAULT_GROUP;
    const instance: InstanceInput = {
      ip: str(flags, 'ip')!,
      port: int(flags, 'port')!,
      clusterName: str(flags, 'cluster'),
      weight: weightOf(flags),
      metadata: metadataOf(str(flags, 'metadata')),
      ephemeral: bool(flags, 'ephemeral') ?? true,
      enabled: bool(flags, 'enabled'),
    };
    const keepAlive = flags['keep-alive'] === true;
    if (keepAlive && !instance.ephemeral) throw new UsageError('--keep-alive is for ephemeral instances; a persistent one needs no heartbeats');
    let client: NamingClient;
    try {
      client = namingClientFor(server, str(flags, 'namespace'), io);
      const c = client;
      await progressOf(io).around('registering …', () => c.registerInstance(service, instance, { group }));
    } catch (error) {
      return reportFailure(io, 'instance register', asUsageError(error), server);
    }
    const what = `${instance.ip}:${instance.port} in ${group}@@${service} (namespace ${client.namespace}, ${instance.ephemeral ? 'ephemeral' : 'persistent'})`;
    if (flags.json === true) io.out(printJson({ registered: { namespace: client.namespace, group, service, ...instance } }));
    else io.out(`registered ${what}\n`);
    if (!keepAlive) {
      if (instance.ephemeral) io.err('note: nothing sends heartbeats for it after this command exits; use --keep-alive, or --ephemeral false\n');
      return EXIT_OK;
    }
    // Signal handlers do not keep Node running and the SDK's timers are unref'd: hold the process open. The handlers
    // go in before the line that says heartbeats run, so a signal sent on seeing that line is always caught.
    const hold = setInterval(() => undefined, 1 << 30);
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.err(`sending heartbeats; Ctrl-C deregisters and exits\n`);
    const signal = await stopped;
    clearInterval(hold);
    await client.close();
    if (flags.json !== true) io.out(`${signal}: deregistered ${what}\n`);
    return EXIT_OK;
  },
};

export const instanceDeregisterCommand: Command = {
  words: ['instance', 'deregister'],
  summary: 'deregister an instance',
  flags: [...SERVICE_FLAGS, ...ADDRESS_FLAGS, { name: 'cluster', kind: 'string', value: 'NAME', help: 'cluster (default DEFAULT)' }, { name: 'ephemeral', kind: 'bool', help: 'whether it is ephemeral (default true; Nacos needs it right)' }],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const service = str(flags, 'service')!;
    const group = str(flags, 'group') ?? DEFAULT_GROUP;
    const ip = str(flags, 'ip')!;
    const port = int(flags, 'port')!;
    try {
      const wasListed = await progressOf(io).around('deregistering …', () =>
        withNamingClient(server, str(flags, 'namespace'), io, async (c) => {
          const before = await c.list(service, group);
          await c.client.deregisterInstance(service, { ip, port, clusterName: str(flags, 'cluster'), ephemeral: bool(flags, 'ephemeral') }, { group });
          return before.some((i) => i.ip === ip && i.port === port);
        }),
      );
      if (flags.json === true) io.out(printJson({ deregistered: { group, service, ip, port }, wasListed }));
      else io.out(`deregistered ${ip}:${port} from ${group}@@${service}${wasListed ? '' : ' (it was not listed: already gone, or disabled)'}\n`);
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'instance deregister', error, server);
    }
  },
};

export const instanceListCommand: Command = {
  words: ['instance', 'list'],
  summary: 'list the instances of a service as consumers see them',
  details: "Disabled instances are not listed (consumers never see them); 'cairn service get' shows the service too.",
  flags: [...SERVICE_FLAGS, { name: 'cluster', kind: 'string', value: 'A,B', help: 'only these clusters (default all)' }, { name: 'healthy-only', kind: 'bool', help: 'only healthy instances' }],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const service = str(flags, 'service')!;
    const group = str(flags, 'group') ?? DEFAULT_GROUP;
    const clusters = str(flags, 'cluster')
      ?.split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    try {
      let instances = await progressOf(io).around('listing …', () => withNamingClient(server, str(flags, 'namespace'), io, (c) => c.list(service, group, clusters)));
      if (flags['healthy-only'] === true) instances = instances.filter((i) => i.healthy);
      if (flags.json === true) io.out(printJson(instances));
      else io.out(instances.length === 0 ? `No instances of ${group}@@${service}.\n` : formatInstances(instances));
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'instance list', error, server);
    }
  },
};

export function formatInstances(instances: Instance[]): string {
  const sorted = [...instances].sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
  return formatTable(
    ['ip', 'port', 'cluster', 'weight', 'healthy', 'enabled', 'ephemeral', 'metadata'],
    sorted.map((i) => [i.ip, i.port, i.clusterName, i.weight, i.healthy, i.enabled, i.ephemeral, formatMetadata(i.metadata)]),
  );
}

function weightOf(flags: FlagValues): number | undefined {
  const raw = str(flags, 'weight');
  if (raw === undefined) return undefined;
  const weight = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(weight) || weight < 0 || weight > 10000) throw new UsageError(`--weight must be a number from 0 to 10000, got '${raw}'`);
  return weight;
}

/** `k=v,k2=v2` or a JSON object of strings, as the Nacos API accepts. */
export function metadataOf(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`--metadata is not valid JSON: ${raw}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--metadata JSON must be an object');
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  const out: Record<string, string> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata entries are key=value, got '${pair}'`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

function progressOf(io: CliIo): Progress {
  return new Progress({ write: (t) => io.err(t), isTTY: io.stderrIsTTY });
}
