import { DEFAULT_GROUP } from '@cairn/sdk';
import { EXIT_OK, str, type Command } from './command.js';
import { diagnosisOf, requestConfigDiagnosis, utcTime, type ConfigDiagnosisView } from './config-diagnosis.js';
import { reportFailure, successBody } from './failures.js';
import { Progress } from './progress.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import { formatTable, printJson } from './table.js';

export const configDiagnoseCommand: Command = {
  words: ['config', 'diagnose'],
  summary: "explain which clients hold a config's current version, and why the others do not",
  details: `Prints the server's sentence, then one line per client: address, agent, the md5 it holds, whether that
is the current one, whether it listens now, when it was notified and when it fetched (UTC).

Example:
  cairn config diagnose --data-id orders.yaml`,
  flags: [
    { name: 'data-id', kind: 'string', value: 'ID', help: 'the config data id', required: true },
    { name: 'group', kind: 'string', value: 'GROUP', help: `group (default ${DEFAULT_GROUP})` },
  ],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    const progress = new Progress({ write: (t) => io.err(t), isTTY: io.stderrIsTTY });
    try {
      const { baseUrl } = parseServerAddress(server);
      const ref = { dataId: str(flags, 'data-id')!, group: str(flags, 'group') ?? DEFAULT_GROUP, namespace: str(flags, 'namespace') ?? 'public' };
      const answer = await progress.around('asking the server …', () => requestConfigDiagnosis(baseUrl, ref, io.session?.params));
      const diagnosis = diagnosisOf(answer) ?? (successBody(answer) as ConfigDiagnosisView);
      io.out(flags.json === true ? printJson(diagnosis) : formatDiagnosis(diagnosis));
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'config diagnose', error, server);
    }
  },
};

function formatDiagnosis(d: ConfigDiagnosisView): string {
  const text = `${d.sentence}\n`;
  if (d.clients.length === 0) return text;
  const table = formatTable(
    ['ip', 'agent', 'md5', 'current', 'listening', 'notified', 'fetched'],
    d.clients.map((c) => [c.ip, c.agent || '-', c.md5 === '' ? '""' : c.md5, c.current ? 'yes' : 'NO', c.heldNow ? 'held now' : c.listening ? 'yes' : 'no', utcTime(c.notifiedAt), utcTime(c.fetchedAt)]),
  );
  return `${text}\n${table}`;
}
