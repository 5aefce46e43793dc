import { CairnConflictError, CairnRequestError, ConfigClient, DEFAULT_GROUP, type ClientLogger, type ConfigChange } from '@cairn/sdk';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UsageError, type FlagValues } from './args.js';
import { EXIT_FAILED, EXIT_OK, int, str, type CliIo, type Command } from './command.js';
import { reportFailure } from './failures.js';
import { configDiagnoseCommand } from './config-diagnose-command.js';
import { asUsageError } from './sdk-client.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import { formatTable, printJson } from './table.js';

const KEY_FLAGS = [
  { name: 'data-id', kind: 'string', value: 'ID', help: 'the config data id', required: true },
  { name: 'group', kind: 'string', value: 'GROUP', help: `group (default ${DEFAULT_GROUP})` },
] as const;

/** A config client for one `--server` and `--namespace` (`public` and none are the default config namespace). */
function configClientFor(server: string, namespace: string | undefined, io: CliIo): ConfigClient {
  const address = parseServerAddress(server);
  const logger: ClientLogger = { warn: (m) => io.err(`cairn: ${m}\n`), error: (m) => io.err(`cairn: ${m}\n`) };
  return new ConfigClient({ serverAddresses: [address.hostPort], contextPath: address.contextPath, namespace, logger, ...io.session?.sdk });
}

/** Runs one config command: the client is closed after, SDK argument errors are usage errors, failures reported. */
async function withConfig(command: string, flags: FlagValues, io: CliIo, work: (client: ConfigClient, dataId: string, group: string) => Promise<number>): Promise<number> {
  const server = serverAddressFrom(str(flags, 'server'), io.env);
  let client: ConfigClient | undefined;
  try {
    client = configClientFor(server, str(flags, 'namespace'), io);
    return await work(client, str(flags, 'data-id')!, str(flags, 'group') ?? DEFAULT_GROUP);
  } catch (error) {
    const e = asUsageError(error);
    if (e instanceof UsageError) throw e;
    if (e instanceof CairnConflictError) {
      io.err(`cairn ${command}: the config changed since the --cas-md5 version (the server refused); get it again and retry\n`);
      return EXIT_FAILED;
    }
    return reportFailure(io, command, e, server);
  } finally {
    await client?.close();
  }
}

function where(client: ConfigClient, dataId: string, group: string): string {
  return `${dataId} in ${group} (namespace ${client.namespace === '' ? 'public' : client.namespace})`;
}

export const configGetCommand: Command = {
  words: ['config', 'get'],
  summary: 'print a config',
  details: 'Prints the content as stored (with --json: content, md5 and type). Exit 1 when the config does not exist.',
  flags: [...KEY_FLAGS],
  run: (flags, io) =>
    withConfig('config get', flags, io, async (client, dataId, group) => {
      const value = await client.getConfig(dataId, group);
      if (!value) {
        io.err(`cairn config get: no config ${where(client, dataId, group)}\n`);
        return EXIT_FAILED;
      }
      if (flags.json === true) io.out(printJson({ dataId, group, namespace: value.namespace, type: value.type, md5: value.md5, content: value.content }));
      else io.out(value.content.endsWith('\n') ? value.content : `${value.content}\n`);
      return EXIT_OK;
    }),
};

export const configPublishCommand: Command = {
  words: ['config', 'publish'],
  summary: 'create or replace a config',
  details:
    'The content comes from --content or --file. With --cas-md5 the publish happens only if the stored md5 is still that one. '
    + 'With --beta-ips or --tag it publishes a gray version, served only to those client IPs or to clients sending that Vipserver-Tag.',
  flags: [
    ...KEY_FLAGS,
    { name: 'content', kind: 'string', value: 'TEXT', help: 'the content' },
    { name: 'file', kind: 'string', value: 'PATH', help: 'read the content from this file' },
    { name: 'type', kind: 'string', value: 'TYPE', help: 'properties, json, yaml, xml, html, toml or text (default text)' },
    { name: 'cas-md5', kind: 'string', value: 'MD5', help: 'publish only over this version (compare-and-set)' },
    { name: 'beta-ips', kind: 'string', value: 'IP,IP', help: 'publish a beta version, served only to these client IPs' },
    { name: 'tag', kind: 'string', value: 'TAG', help: 'publish a tag version, served to clients sending Vipserver-Tag: TAG' },
  ],
  run: async (flags, io) => {
    const text = str(flags, 'content');
    const file = str(flags, 'file');
    if ((text === undefined) === (file === undefined)) throw new UsageError('give the content with exactly one of --content and --file');
    let content: string;
    try {
      content = text ?? (await readFile(file!, 'utf8'));
    } catch (error) {
      io.err(`cairn config publish: cannot read --file ${file}: ${(error as Error).message}\n`);
      return EXIT_FAILED;
    }
    return withConfig('config publish', flags, io, async (client, dataId, group) => {
      const type = str(flags, 'type');
      const casMd5 = str(flags, 'cas-md5');
      const betaIps = str(flags, 'beta-ips')?.split(',');
      const tag = str(flags, 'tag');
      await client.publishConfig(dataId, group, content, { ...(type ? { type } : {}), ...(casMd5 ? { casMd5 } : {}), ...(betaIps ? { betaIps } : {}), ...(tag ? { tag } : {}) });
      const md5 = createHash('md5').update(content, 'utf8').digest('hex');
      const gray = betaIps ? 'beta' : tag ? `tag_${tag}` : undefined;
      if (flags.json === true) io.out(printJson({ published: { dataId, group, namespace: client.namespace, md5, ...(gray ? { gray } : {}) } }));
      else io.out(`published ${gray ? `gray version ${gray} of ` : ''}${where(client, dataId, group)}, md5 ${md5}\n`);
      return EXIT_OK;
    });
  },
};

export const configDeleteCommand: Command = {
  words: ['config', 'delete'],
  summary: 'delete a config (deleting a missing config succeeds)',
  flags: [...KEY_FLAGS],
  run: (flags, io) =>
    withConfig('config delete', flags, io, async (client, dataId, group) => {
      await client.removeConfig(dataId, group);
      if (flags.json === true) io.out(printJson({ deleted: { dataId, group, namespace: client.namespace } }));
      else io.out(`deleted ${where(client, dataId, group)}\n`);
      return EXIT_OK;
    }),
};

export const configHistoryCommand: Command = {
  words: ['config', 'history'],
  summary: "list a config's versions, newest first",
  details: 'Columns: history id, time (UTC), operation (I insert, U update, D delete), version (main, or the gray version: beta, tag_<tag>), md5, author (the claimed user, else the source IP).',
  flags: [...KEY_FLAGS, { name: 'limit', kind: 'int', value: 'N', help: 'versions to list (default 20, at most 500)' }],
  run: (flags, io) =>
    withConfig('config history', flags, io, async (client, dataId, group) => {
      const page = await client.getHistory(dataId, group, { pageSize: Math.min(500, Math.max(1, int(flags, 'limit') ?? 20)) });
      if (flags.json === true) io.out(printJson(page.entries));
      else if (page.entries.length === 0) io.out(`No history for ${where(client, dataId, group)}.\n`);
      else
        io.out(
          formatTable(
            ['id', 'time', 'op', 'version', 'md5', 'author'],
            page.entries.map((e) => [e.id, e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.op, e.version, e.md5, e.author || e.sourceIp]),
          ),
        );
      return EXIT_OK;
    }),
};

export const configRollbackCommand: Command = {
  words: ['config', 'rollback'],
  summary: 'publish an earlier version of a config again',
  details: 'The version is a history id (--nid, the ID column of `cairn config history`); its content, type and appName become the new version, also when the config was deleted since. Exit 1 when --nid is not a record of this config.',
  flags: [...KEY_FLAGS, { name: 'nid', kind: 'string', value: 'ID', help: 'the history id to roll back to', required: true }],
  run: (flags, io) =>
    withConfig('config rollback', flags, io, async (client, dataId, group) => {
      const nid = str(flags, 'nid')!;
      if (!/^\d+$/.test(nid)) throw new UsageError(`--nid must be a history id (digits), got '${nid}'`);
      try {
        const now = await client.rollback(dataId, group, nid);
        if (flags.json === true) io.out(printJson({ rolledBack: { dataId, group, namespace: now.namespace, nid, md5: now.md5, type: now.type } }));
        else io.out(`rolled back ${where(client, dataId, group)} to history ${nid}, md5 ${now.md5}\n`);
        return EXIT_OK;
      } catch (error) {
        if (!(error instanceof CairnRequestError) || error.status !== 404 || !/config history/.test(error.body ?? '')) throw error;
        io.err(`cairn config rollback: history ${nid} is not a version of ${where(client, dataId, group)}; see 'cairn config history'\n`);
        return EXIT_FAILED;
      }
    }),
};

export const configWatchCommand: Command = {
  words: ['config', 'watch'],
  summary: 'print each new version of a config until Ctrl-C',
  details: 'Each version is printed as a line `--- <time> md5 <md5>` and the content (with --json: one JSON object per line). A deletion prints `--- <time> deleted`. Server outages are retried, not fatal.',
  flags: [...KEY_FLAGS],
  run: (flags, io) =>
    withConfig('config watch', flags, io, async (client, dataId, group) => {
      const current = await client.getConfig(dataId, group);
      // Signal handlers do not keep Node running and the SDK's timers are unref'd: the held poll and this interval do.
      const hold = setInterval(() => undefined, 1 << 30);
      const watch = client.watch(dataId, group, (change) => io.out(formatChange(change, flags.json === true)));
      const stopped = new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      await watch.ready;
      io.err(`watching ${where(client, dataId, group)}, ${current ? `current md5 ${current.md5}` : 'not there yet'}; Ctrl-C stops\n`);
      const signal = await stopped;
      clearInterval(hold);
      watch.close();
      io.err(`${signal}: stopped watching\n`);
      return EXIT_OK;
    }),
};

function formatChange(change: ConfigChange, json: boolean): string {
  const at = new Date().toISOString();
  if (json) return `${JSON.stringify({ at, ...change })}\n`;
  if (change.deleted) return `--- ${at} deleted\n`;
  const content = change.content ?? '';
  return `--- ${at} md5 ${change.md5}\n${content.endsWith('\n') ? content : `${content}\n`}`;
}

export const CONFIG_COMMANDS: Command[] = [configGetCommand, configPublishCommand, configDeleteCommand, configHistoryCommand, configRollbackCommand, configWatchCommand, configDiagnoseCommand];
