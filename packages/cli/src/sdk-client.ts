import { NamingClient, type ClientLogger, type Instance } from '@cairn/sdk';
import { UsageError } from './args.js';
import type { CliIo } from './command.js';
import { parseServerAddress } from './server-address.js';

/**
 * An @cairn/sdk naming client for one `--server` and `--namespace`. Warnings go to stderr, so stdout stays
 * clean for `--json`.
 */
export function namingClientFor(server: string, namespace: string | undefined, io: CliIo): NamingClient {
  const address = parseServerAddress(server);
  const logger: ClientLogger = {
    warn: (m) => io.err(`cairn: ${m}\n`),
    error: (m) => io.err(`cairn: ${m}\n`),
  };
  try {
    return new NamingClient({ serverAddresses: [address.hostPort], contextPath: address.contextPath, namespace, logger, ...io.session?.sdk });
  } catch (error) {
    throw asUsageError(error);
  }
}

/** A client's methods for the CLI: one-shot reads that answer from the server, never from a cache. */
export interface NamingCalls {
  client: NamingClient;
  list(service: string, group: string, clusters?: string[]): Promise<Instance[]>;
}

/** Runs `work` with a client and closes it after (nothing of it outlives a read). */
export async function withNamingClient<T>(server: string, namespace: string | undefined, io: CliIo, work: (calls: NamingCalls) => Promise<T>): Promise<T> {
  const client = namingClientFor(server, namespace, io);
  const calls: NamingCalls = {
    client,
    list: (service, group, clusters) => client.getAllInstances(service, { group, clusters, cacheFallback: false }),
  };
  try {
    return await work(calls);
  } catch (error) {
    throw asUsageError(error);
  } finally {
    await client.close();
  }
}

/** The SDK rejects malformed input (a name with `@@`, a port out of range) with a TypeError that names it. */
export function asUsageError(error: unknown): unknown {
  return error instanceof TypeError && / must /.test(error.message) ? new UsageError(error.message) : error;
}
