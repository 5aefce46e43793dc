#!/usr/bin/env node
import { describeFlags, parseFlags, UsageError } from './args.js';
import { LoginError, sessionFor } from './auth/session.js';
import { EXIT_FAILED, EXIT_USAGE, GLOBAL_FLAGS, type CliIo, type Command } from './command.js';
import { NoAnswerError } from './http.js';
import { COMMANDS } from './commands.js';

const OVERVIEW = `Usage: cairn <command> [flags]

Commands:
  start                  run the registry (see 'cairn start --help')
${COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(22)} ${c.summary}`).join('\n')}

Global flags (every command but start):
${describeFlags(GLOBAL_FLAGS)}

'cairn <command> --help' shows a command's flags.
`;

function usageOf(command: Command): string {
  return `Usage: cairn ${command.words.join(' ')} [flags]

${command.summary[0].toUpperCase()}${command.summary.slice(1)}.

Flags:
${describeFlags([...command.flags, ...GLOBAL_FLAGS])}
${command.details ? `\n${command.details}\n` : ''}`;
}

/** The command named by the first words of argv, and the rest. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w));
  const command = matches.sort((a, b) => b.words.length - a.words.length)[0];
  return command && { command, rest: argv.slice(command.words.length) };
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const [first] = argv;
  // Loaded only for start: the other commands are clients and should not pay for loading the whole server.
  if (first === 'start') return (await import('./start-command.js')).start(argv.slice(1));
  if (first === undefined) {
    io.err(OVERVIEW);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = argv[1] === undefined ? undefined : findCommand(argv.slice(1));
    io.out(argv[1] === 'start' ? (await import('./start-command.js')).START_USAGE : topic ? usageOf(topic.command) : OVERVIEW);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.words[0] === first);
    const known = group.length > 0 ? `'cairn ${first}' needs one of: ${group.map((c) => c.words[1]).join(', ')}` : `unknown command '${argv.join(' ')}'`;
    io.err(`cairn: ${known}\n\n${OVERVIEW}`);
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  try {
    const flags = parseFlags(rest, [...command.flags, ...GLOBAL_FLAGS]);
    if (flags.help === true) {
      io.out(usageOf(command));
      return 0;
    }
    if (command.credentials === 'own') return await command.run(flags, io);
    let session: CliIo['session'];
    try {
      session = await sessionFor(flags, io);
    } catch (error) {
      if (!(error instanceof LoginError || error instanceof NoAnswerError)) throw error;
      io.err(`cairn ${command.words.join(' ')}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    return await command.run(flags, { ...io, session });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cairn ${command.words.join(' ')}: ${error.message}\n\n${usageOf(command)}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

// Errors the operator can fix get their message alone; anything else keeps its stack for a bug report.
const OPERATOR_ERRORS = new Set(['StorageUnavailableError', 'SchemaTooNewError', 'StorageUrlError', 'OptionsError']);

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
};

main(process.argv.slice(2), io).then(
  (code) => {
    // Exit at once: a command's SDK client or a pending DNS lookup must not hold the process open.
    if (code >= 0) process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    const known = error instanceof Error && (OPERATOR_ERRORS.has(error.name) || OPERATOR_ERRORS.has(error.constructor.name));
    const listenError = error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES');
    process.stderr.write(`cairn: ${known || listenError ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
