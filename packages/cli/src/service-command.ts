import { DEFAULT_GROUP } from '@cairn/sdk';
import { EXIT_OK, int, str, type Command } from './command.js';
import { reportFailure, successBody } from './failures.js';
import { apiUrl, httpRequest } from './http.js';
import { formatInstances } from './instance-command.js';
import { Progress } from './progress.js';
import { withNamingClient } from './sdk-client.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import { formatMetadata, formatTable, printJson } from './table.js';

interface ServiceSummary {
  name: string;
  groupName: string;
  clusterCount: number;
  ipCount: number;
  healthyInstanceCount: number;
  protectThreshold?: number;
}

const GROUP_FLAG = { name: 'group', kind: 'string', value: 'GROUP', help: `group (default ${DEFAULT_GROUP})` } as const;

export const serviceListCommand: Command = {
  words: ['service', 'list'],
  summary: 'list the services of a namespace with their instance counts',
  flags: [
    { name: 'group', kind: 'string', value: 'GROUP', help: 'only this group (default: every group)' },
    { name: 'limit', kind: 'int', value: 'N', help: 'services per page (default 100)' },
    { name: 'page', kind: 'int', value: 'N', help: 'page number (default 1)' },
  ],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const group = str(flags, 'group');
    try {
      const { baseUrl } = parseServerAddress(server);
      // The console's catalog carries the counts; its group filter is a substring, so the exact match is here.
      const url = apiUrl(baseUrl, '/v1/ns/catalog/services', {
        ...io.session?.params,
        namespaceId: str(flags, 'namespace'),
        groupNameParam: group,
        pageNo: int(flags, 'page') ?? 1,
        pageSize: int(flags, 'limit') ?? 100,
      });
      const answer = successBody(await progressOf(io).around('listing services …', () => httpRequest(url))) as { count: number; serviceList: ServiceSummary[] };
      const services = answer.serviceList.filter((s) => group === undefined || s.groupName === group);
      if (flags.json === true) {
        io.out(printJson(services));
      } else if (services.length === 0) {
        io.out('No services.\n');
      } else {
        io.out(
          formatTable(
            ['service', 'group', 'clusters', 'instances', 'healthy'],
            services.map((s) => [s.name, s.groupName, s.clusterCount, s.ipCount, s.healthyInstanceCount]),
          ),
        );
      }
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'service list', error, server);
    }
  },
};

export const serviceGetCommand: Command = {
  words: ['service', 'get'],
  summary: 'show one service: its settings, clusters and instances',
  flags: [{ name: 'service', kind: 'string', value: 'NAME', help: 'the service', required: true }, GROUP_FLAG],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const service = str(flags, 'service')!;
    const group = str(flags, 'group') ?? DEFAULT_GROUP;
    const namespace = str(flags, 'namespace');
    try {
      const { baseUrl } = parseServerAddress(server);
      const url = apiUrl(baseUrl, '/v1/ns/service', { ...io.session?.params, serviceName: service, groupName: group, namespaceId: namespace });
      const progress = progressOf(io);
      const detail = successBody(await progress.around('reading the service …', () => httpRequest(url))) as ServiceDetail;
      const instances = await progress.around('listing instances …', () => withNamingClient(server, namespace, io, (c) => c.list(service, group)));
      if (flags.json === true) {
        io.out(printJson({ ...detail, instances }));
        return EXIT_OK;
      }
      io.out(
        [
          `service            ${detail.name}`,
          `group              ${detail.groupName}`,
          `namespace          ${detail.namespaceId}`,
          `kind               ${detail.ephemeral === undefined || detail.ephemeral === null ? '-' : detail.ephemeral ? 'ephemeral' : 'persistent'}`,
          `protect threshold  ${detail.protectThreshold}`,
          `metadata           ${formatMetadata(detail.metadata)}`,
          `clusters           ${detail.clusters.map((c) => `${c.name} (check ${c.healthChecker?.type ?? 'NONE'})`).join(', ') || '-'}`,
        ].join('\n') + '\n\n',
      );
      io.out(instances.length === 0 ? 'No instances visible to consumers.\n' : formatInstances(instances));
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'service get', error, server);
    }
  },
};

interface ServiceDetail {
  namespaceId: string;
  groupName: string;
  name: string;
  protectThreshold: number;
  metadata: Record<string, string>;
  clusters: { name: string; healthChecker?: { type?: string } }[];
  ephemeral?: boolean | null;
}

function progressOf(io: { err(t: string): void; stderrIsTTY: boolean }): Progress {
  return new Progress({ write: (t) => io.err(t), isTTY: io.stderrIsTTY });
}
