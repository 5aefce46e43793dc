import { DEFAULT_GROUP } from '@cairn/sdk';
import { EXIT_OK, int, str, type Command } from './command.js';
import { reportFailure, successBody } from './failures.js';
import { apiUrl, httpRequest } from './http.js';
import { Progress } from './progress.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import { formatTable, printJson } from './table.js';

interface EventView {
  seq: number;
  time: string;
  cause: string;
  group: string;
  service: string;
  ip?: string;
  port?: number;
  healthy?: boolean;
  evidence: Record<string, unknown>;
}

interface EventPage {
  total: number;
  pageNo: number;
  pageSize: number;
  events: EventView[];
}

export const eventsCommand: Command = {
  words: ['events'],
  summary: 'show the event journal: every change of an instance with its cause and evidence',
  details: `Newest first. Times are UTC. --since and --until take epoch milliseconds or ISO-8601
(2025-05-01, 2025-05-01T10:00:00Z). Causes are listed in docs/journal.md.

Example:
  cairn events --service orders --cause INSTANCE_EXPIRED --since 2025-05-01`,
  flags: [
    { name: 'service', kind: 'string', value: 'NAME', help: 'only this service (every group unless --group)' },
    { name: 'group', kind: 'string', value: 'GROUP', help: 'only this group' },
    { name: 'ip', kind: 'string', value: 'IP', help: 'only instances at this IP' },
    { name: 'port', kind: 'int', value: 'PORT', help: 'only instances at this port' },
    { name: 'cause', kind: 'string', value: 'CAUSE', help: 'only this cause, e.g. INSTANCE_EXPIRED' },
    { name: 'since', kind: 'string', value: 'TIME', help: 'only events at or after this time' },
    { name: 'until', kind: 'string', value: 'TIME', help: 'only events at or before this time' },
    { name: 'limit', kind: 'int', value: 'N', help: 'events per page, 1 to 1000 (default 50)' },
    { name: 'page', kind: 'int', value: 'N', help: 'page number (default 1)' },
  ],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const progress = new Progress({ write: (t) => io.err(t), isTTY: io.stderrIsTTY });
    try {
      const { baseUrl } = parseServerAddress(server);
      const url = apiUrl(baseUrl, '/v1/cairn/events', {
        ...io.session?.params,
        namespaceId: str(flags, 'namespace'),
        serviceName: str(flags, 'service'),
        groupName: str(flags, 'group'),
        ip: str(flags, 'ip'),
        port: int(flags, 'port'),
        cause: str(flags, 'cause'),
        since: str(flags, 'since'),
        until: str(flags, 'until'),
        pageSize: int(flags, 'limit') ?? 50,
        pageNo: int(flags, 'page'),
      });
      const page = successBody(await progress.around('reading the journal …', () => httpRequest(url))) as EventPage;
      io.out(flags.json === true ? printJson(page) : formatEvents(page));
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'events', error, server);
    }
  },
};

function formatEvents(page: EventPage): string {
  if (page.events.length === 0) return page.total === 0 ? 'No events match.\n' : `No events on page ${page.pageNo} (${page.total} in all).\n`;
  const table = formatTable(
    ['time (UTC)', 'cause', 'service', 'instance', 'detail'],
    page.events.map((e) => [
      e.time.replace('T', ' ').replace(/Z$/, ''),
      e.cause,
      // Server-wide events (auth changes, refused logins) name no service.
      e.service === '' && e.group === '' ? '-' : e.group === DEFAULT_GROUP ? e.service : `${e.group}@@${e.service}`,
      e.ip === undefined ? '-' : `${e.ip.includes(':') ? `[${e.ip}]` : e.ip}:${e.port}`,
      evidenceLine(e.evidence),
    ]),
  );
  const first = (page.pageNo - 1) * page.pageSize + 1;
  const more = first + page.events.length - 1 < page.total ? '; --limit and --page show more' : '';
  return `${table}\n${page.events.length === page.total ? `${page.total} events` : `events ${first}-${first + page.events.length - 1} of ${page.total}`}, newest first${more}\n`;
}

/** The evidence as `key=value` pairs; epoch-ms fields are left out (the time column says when). */
function evidenceLine(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .filter(([k, v]) => v !== null && v !== undefined && v !== '' && !/At$/.test(k))
    .map(([k, v]) => {
      const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
      return `${k}=${/\s/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join(' ');
}
