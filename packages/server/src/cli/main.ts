#!/usr/bin/env node
import { createServer } from '../app.js';
import { describeOptions, OptionsError, resolveOptions, SETTINGS, flagName, envName } from '../config/options.js';

const USAGE = `Usage: cairn start [options]

Starts the Cairn registry. Every option can also be set by environment variable.
${SETTINGS.map((s) => `  ${flagName(s.key).padEnd(24)} ${envName(s.key).padEnd(28)} ${s.help}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help' || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'start') {
    process.stderr.write(`cairn: unknown command '${command}'\n\n${USAGE}`);
    return 1;
  }
  let options;
  try {
    options = resolveOptions({}, rest, process.env);
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`cairn: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(`Cairn starting with:\n${describeOptions(options)}\n`);
  const server = await createServer({ options });
  const url = await server.listen();
  process.stdout.write(`Cairn listening on ${url}\n`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`Cairn received ${signal}, shutting down\n`);
    server.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`cairn: shutdown failed: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return -1;
}

// Errors the operator can fix get their message alone; anything else keeps its stack for a bug report.
const OPERATOR_ERRORS = new Set(['StorageUnavailableError', 'SchemaTooNewError', 'StorageUrlError', 'OptionsError']);

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
}, (error: unknown) => {
  const known = error instanceof Error && (OPERATOR_ERRORS.has(error.name) || OPERATOR_ERRORS.has(error.constructor.name));
  const listenError = error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES');
  process.stderr.write(`cairn: ${known || listenError ? (error as Error).message : error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
