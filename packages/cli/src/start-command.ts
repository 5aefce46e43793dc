import { createServer, describeOptions, envName, flagName, isLoopbackHost, OptionsError, resolveOptions, SETTINGS, TokenSecretError, type CairnServer, type ResolvedOptions } from '@cairn/server';

export const START_USAGE = `Usage: cairn start [options]

Starts the Cairn registry. Every option can also be set by environment variable.
${SETTINGS.map((s) => `  ${flagName(s.key).padEnd(24)} ${envName(s.key).padEnd(28)} ${s.help}`).join('\n')}

Secrets, from the environment only:
  CAIRN_ADMIN_PASSWORD      the first admin's password (first start with auth on)
  CAIRN_TOKEN_SECRET        token signing secret, Base64 of at least 32 bytes (default: a random key kept in the store)
`;

/**
 * `cairn start`, the CLI's one use of `@cairn/server` (main.ts loads this file only for `start`): resolves the
 * options, serves until SIGTERM or SIGINT. Resolves with -1 while serving (the process must stay up), or with the
 * exit code when the options are wrong.
 */
export async function start(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write(START_USAGE);
    return 0;
  }
  let options: ResolvedOptions;
  try {
    options = resolveOptions({}, args, process.env);
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`cairn: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(`Cairn starting with:\n${describeOptions(options)}\n`);
  if (!isLoopbackHost(options.host) && !options.authEnabled) {
    process.stderr.write(`cairn: WARNING: listening on ${options.host} without authentication (--allow-unauthenticated): anyone who reaches this port can register, delete and read everything\n`);
  }
  // The first admin's generated password is shown here, once, and never logged.
  let server: CairnServer;
  try {
    server = await createServer({ options, adminPassword: process.env.CAIRN_ADMIN_PASSWORD, tokenSecret: process.env.CAIRN_TOKEN_SECRET });
  } catch (error) {
    // The message says why and never holds the secret.
    if (error instanceof TokenSecretError) {
      process.stderr.write(`cairn: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`Cairn received ${signal}, shutting down (within ${options.shutdownTimeoutMs} ms)\n`);
    // Clients are cut at the deadline; this is the last resort should the stores' final writes hang as well.
    setTimeout(() => {
      process.stderr.write(`cairn: shutdown not finished ${options.storeWaitMs} ms after --shutdown-timeout-ms; exiting\n`);
      process.exit(1);
    }, options.shutdownTimeoutMs + options.storeWaitMs).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`cairn: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // Handlers go in before the listening line: a supervisor that signals on seeing it must get a clean shutdown.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  const url = await server.listen();
  process.stdout.write(`Cairn listening on ${url}\n`);
  return -1;
}
