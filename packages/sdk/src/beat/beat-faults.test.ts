import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { NamingClient } from '../index.js';
import { FaultProxy } from '../testing/fault-proxy.js';
import { captureLogger, listedHealthy, portOf, serverHosts, waitFor } from '../testing/helpers.js';

// Short server timings so a fault outlives the beat timeout in about a second.
const INTERVAL = 500;
const FAST = ['--beat-interval-ms', String(INTERVAL), '--beat-timeout-ms', '1500', '--delete-timeout-ms', '4000'];
const FAULT_MS = 1800;
// Scheduling, the raw list call and the test's 25 ms polling, on a 2-core CI machine that other work may load (200 ms
// flaked there). A client that backed off instead of beating on would miss the bound by seconds, so the check holds.
const SLACK = 450;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers, breaks beats for FAULT_MS (long enough for the server to mark the instance unhealthy), heals, and returns ms from heal to healthy. */
async function faultAndRecover(baseUrl: string, service: string, client: NamingClient, port: number, fault: () => Promise<void> | void, heal: () => Promise<void> | void): Promise<number> {
  await client.registerInstance(service, { ip: '127.0.0.1', port });
  await waitFor('first beat', () => client.stats().beatsOk >= 1, 2000);
  await fault();
  await waitFor('server marks the instance unhealthy during the fault', async () => (await serverHosts(baseUrl, service)).some((h) => h.port === port && !h.healthy), FAULT_MS + 1000);
  await sleep(300);
  await heal();
  const healedAt = Date.now();
  await waitFor('instance healthy again', () => listedHealthy(baseUrl, service, port), 3000);
  return Date.now() - healedAt;
}

describe('the beat loop survives faults and recovers within one beat interval', { concurrency: true }, () => {
  let server: SpawnedServer;
  before(async () => {
    // The DNS test reaches the server by a made-up name, which the server must be told is its own.
    server = await spawnServer([...FAST, '--allowed-hosts', 'registry.example.test']);
  });
  after(() => server.stop());

  test('DNS failures injected through the lookup hook', async (t) => {
    let dnsDown = false;
    const logger = captureLogger();
    const client = new NamingClient({
      serverAddresses: [`registry.example.test:${portOf(server.url)}`],
      logger,
      lookup: async (host) => {
        if (dnsDown) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return { address: '127.0.0.1', family: 4 };
      },
    });
    const took = await faultAndRecover(
      server.url,
      'dns-svc',
      client,
      8001,
      () => {
        dnsDown = true;
      },
      () => {
        dnsDown = false;
      },
    );
    t.diagnostic(`healthy again ${took} ms after DNS came back`);
    assert.ok(took <= INTERVAL + SLACK, `healthy ${took} ms after DNS came back`);
    const stats = client.stats();
    assert.ok((stats.beatFailures.dns ?? 0) >= 3, JSON.stringify(stats.beatFailures));
    // Logged once for the whole outage, then counted; recovery is logged once.
    assert.equal(logger.lines.filter((l) => l.level === 'warn' && l.message.startsWith('heartbeat failed (dns)')).length, 1);
    assert.equal(logger.lines.filter((l) => l.message.startsWith('heartbeat recovered')).length, 1);
    await client.close();
  });

  for (const mode of ['refuse', 'http-503', 'hang'] as const) {
    test(`a server that ${mode === 'refuse' ? 'refuses connections (port closed, then reopened)' : mode === 'hang' ? 'accepts and never answers' : 'answers 503'}`, async (t) => {
      const proxy = await new FaultProxy(portOf(server.url)).start();
      const logger = captureLogger();
      const client = new NamingClient({ serverAddresses: [`127.0.0.1:${proxy.port}`], logger, requestTimeoutMs: 300 });
      try {
        const port = 8100 + ['refuse', 'http-503', 'hang'].indexOf(mode);
        const took = await faultAndRecover(
          server.url,
          `${mode}-svc`,
          client,
          port,
          () => proxy.setMode(mode),
          () => proxy.setMode('pass'),
        );
        // A request already hanging when the fault ends still waits for its timeout (300 ms) first.
        const bound = INTERVAL + SLACK + (mode === 'hang' ? 300 : 0);
        t.diagnostic(`healthy again ${took} ms after the fault ended`);
        assert.ok(took <= bound, `healthy ${took} ms after the fault ended (bound ${bound})`);
        const kind = ({ refuse: 'refused', 'http-503': 'server-error', hang: 'timeout' } as const)[mode];
        assert.ok((client.stats().beatFailures[kind] ?? 0) >= 2, JSON.stringify(client.stats().beatFailures));
        assert.equal(logger.lines.filter((l) => l.level === 'warn' && l.message.startsWith(`heartbeat failed (${kind})`)).length, 1);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }
});

describe('a server that restarts with empty memory', () => {
  let server: SpawnedServer;
  after(() => server.stop());

  test('the client registers again (full registration, metadata included) within one beat interval', async (t) => {
    server = await spawnServer(FAST);
    const port = portOf(server.url);
    const logger = captureLogger();
    const client = new NamingClient({ serverAddresses: [`127.0.0.1:${port}`], logger, requestTimeoutMs: 500 });
    await client.registerInstance('restart-svc', { ip: '127.0.0.1', port: 8201, weight: 2, metadata: { version: '1.2.3' } });
    await waitFor('beats flow', () => client.stats().beatsOk >= 2, 2000);
    await server.stop();
    await sleep(800);
    server = await spawnServer([...FAST, '--port', String(port)]);
    const upAt = Date.now();
    assert.deepEqual(await serverHosts(server.url, 'restart-svc').catch(() => []), [], 'the new server starts empty');
    await waitFor('registered again', () => listedHealthy(server.url, 'restart-svc', 8201), 3000);
    const took = Date.now() - upAt;
    t.diagnostic(`registered again ${took} ms after the server came back`);
    assert.ok(took <= INTERVAL + SLACK, `registered again ${took} ms after the server came back`);
    const [host] = (await serverHosts(server.url, 'restart-svc')) as unknown as Array<{ weight: number; metadata: Record<string, string> }>;
    assert.equal(host.weight, 2);
    assert.deepEqual(host.metadata, { version: '1.2.3' });
    assert.ok(client.stats().reRegistrations >= 1);
    assert.ok(logger.lines.some((l) => l.message.includes('registering it again')));
    await client.close();
    assert.deepEqual(await serverHosts(server.url, 'restart-svc'), [], 'close() deregistered it from the new server');
  });
});
