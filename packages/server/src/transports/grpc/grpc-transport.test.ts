import { EventBus, Journal, recordDomainEvents, type CairnEvent, type ConnectionEvent } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { GrpcTestClient } from '../../testing/grpc-test-client.js';
import { GrpcTransport } from './grpc-transport.js';
import type { GrpcSettings } from './grpc-settings.js';

interface Rig {
  transport: GrpcTransport;
  port: number;
  bus: EventBus<CairnEvent>;
  journal: Journal;
  /** Resolves with the next connection event that matches. */
  nextConnectionEvent(match: (e: ConnectionEvent) => boolean): Promise<ConnectionEvent>;
}

async function startRig(settings: Partial<GrpcSettings> = {}): Promise<Rig> {
  const bus = new EventBus<CairnEvent>();
  const journal = new Journal({ maxEvents: 1000, maxAgeMs: 3_600_000 });
  recordDomainEvents(journal, bus);
  const transport = new GrpcTransport({ events: bus, clock: { now: () => Date.now() }, log: pino({ level: 'silent' }) }, settings);
  const port = await transport.listen('127.0.0.1', 0);
  const nextConnectionEvent = (match: (e: ConnectionEvent) => boolean) =>
    new Promise<ConnectionEvent>((resolve) => {
      const stop = bus.on('connection', (e) => {
        if (!match(e)) return;
        stop();
        resolve(e);
      });
    });
  return { transport, port, bus, journal, nextConnectionEvent };
}

const SETUP = { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming', AppName: 'orders' }, abilityTable: null };

/** Opens the stream and sends ConnectionSetupRequest; resolves once the server has registered the connection. */
async function setUp(rig: Rig, client: GrpcTestClient): Promise<ConnectionEvent> {
  const opened = rig.nextConnectionEvent((e) => e.cause === 'CONNECTION_OPENED');
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  return opened;
}

/** A client set up on the shared rig, with the server's side of its connection. */
async function liveConnection(t: { after(fn: () => void): void }) {
  const client = new GrpcTestClient(rig.port);
  t.after(() => client.close());
  const opened = await setUp(rig, client);
  const connection = rig.transport.connections.get(opened.connectionId);
  assert.ok(connection);
  return { client, opened, connection };
}

/** A rig of its own with `count` clients, all closed after the test. */
async function ownRig(t: { after(fn: () => void): void }, settings: Partial<GrpcSettings>, count: number): Promise<{ own: Rig; clients: GrpcTestClient[] }> {
  const own = await startRig(settings);
  t.after(() => own.transport.close());
  const clients = Array.from({ length: count }, () => new GrpcTestClient(own.port));
  t.after(() => {
    for (const c of clients) c.close();
  });
  return { own, clients };
}

let rig: Rig;
before(async () => {
  rig = await startRig({ pushTimeoutMs: 300 });
  rig.transport.handlers.register('EchoRequest', (request, connection) => {
    if (request.body.fail) throw Object.assign(new Error('refused on purpose'), { errorCode: 400 });
    return { type: 'EchoResponse', body: { echo: request.body.say, app: request.headers.app, connectionId: connection.connectionId, missing: null } };
  });
});
after(() => rig.transport.close());

test('Java order: ServerCheck assigns the id, unary calls answer 301 until the stream is set up, then the stream keeps that id', async (t) => {
  const client = new GrpcTestClient(rig.port);
  t.after(() => client.close());
  const check = await client.request('ServerCheckRequest', { requestId: '7', headers: {} });
  assert.equal(check.type, 'ServerCheckResponse');
  assert.match(check.body.connectionId, /^\d+_127\.0\.0\.1_\d+$/);
  assert.deepEqual({ ...check.body, connectionId: 'x' }, { resultCode: 200, errorCode: 0, success: true, requestId: '7', connectionId: 'x', supportAbilityNegotiation: false });

  const early = await client.request('HealthCheckRequest', { requestId: null });
  assert.equal(early.type, 'ErrorResponse');
  assert.deepEqual([early.body.resultCode, early.body.errorCode], [500, 301]);
  assert.equal('requestId' in early.body, false, 'a null request id is not echoed as null');

  const opened = await setUp(rig, client);
  assert.equal(opened.connectionId, check.body.connectionId);
  assert.deepEqual([opened.clientVersion, opened.appName, opened.module], ['Nacos-Java-Client:v2.3.2', 'orders', 'naming']);
  const health = await client.request('HealthCheckRequest', {});
  assert.deepEqual([health.type, health.body.resultCode, health.body.errorCode], ['HealthCheckResponse', 200, 0]);
});

test('Rust order: stream and ConnectionSetup first, then HealthCheck, then ServerCheck names the same connection', async (t) => {
  const client = new GrpcTestClient(rig.port);
  t.after(() => client.close());
  const opened = await setUp(rig, client);
  const health = await client.request('HealthCheckRequest', { requestId: null });
  assert.equal(health.type, 'HealthCheckResponse');
  const check = await client.request('ServerCheckRequest', {});
  assert.equal(check.body.connectionId, opened.connectionId);
  assert.equal(rig.transport.connections.get(opened.connectionId)?.clientVersion, 'Nacos-Java-Client:v2.3.2');
});

test('requests reach the handler registered for their type with their connection; unknown types answer 302', async (t) => {
  const client = new GrpcTestClient(rig.port);
  t.after(() => client.close());
  const opened = await setUp(rig, client);
  const echo = await client.request('EchoRequest', { requestId: '12', headers: {}, say: 'hi' }, { app: 'orders' });
  assert.deepEqual(echo, { type: 'EchoResponse', body: { echo: 'hi', app: 'orders', connectionId: opened.connectionId, resultCode: 200, errorCode: 0, success: true, requestId: '12' } });
  // As Nacos 2.4+ answers an exception its handler throws: the error's code is the resultCode too.
  const failed = await client.request('EchoRequest', { requestId: '13', fail: true });
  assert.deepEqual(failed, { type: 'ErrorResponse', body: { resultCode: 400, errorCode: 400, message: 'refused on purpose', success: false, requestId: '13' } });
  const unknown = await client.request('NoSuchRequest', { requestId: '14' });
  assert.deepEqual([unknown.type, unknown.body.errorCode, unknown.body.requestId], ['ErrorResponse', 302, '14']);
});

test('bad JSON, bytes that are no Payload and messages over 10 MB get clear errors, and the server goes on', async (t) => {
  const client = new GrpcTestClient(rig.port, { 'grpc.max_send_message_length': 20 * 1024 * 1024 });
  t.after(() => client.close());
  await setUp(rig, client);
  const badJson = await client.request('EchoRequest', '{"say": ');
  assert.deepEqual([badJson.type, badJson.body.errorCode], ['ErrorResponse', 502]);
  assert.match(badJson.body.message, /body of EchoRequest is not valid JSON/);
  const notObject = await client.request('EchoRequest', '[1]');
  assert.match(notObject.body.message, /must be a JSON object/);
  const garbage = await client.raw(Buffer.from([0x12, 0xff, 0xff, 0xff]));
  assert.deepEqual([garbage.type, garbage.body.errorCode], ['ErrorResponse', 502]);
  assert.match(garbage.body.message, /not a Nacos Payload/);
  await assert.rejects(client.request('EchoRequest', { say: 'x'.repeat(11 * 1024 * 1024) }), (err: Error & { code?: number }) => {
    assert.equal(err.code, 8, 'RESOURCE_EXHAUSTED');
    assert.match(err.message, /larger than max/);
    return true;
  });
  const still = await client.request('EchoRequest', { say: 'still here' });
  assert.equal(still.body.echo, 'still here');
});

test('a push resolves with the client answer that carries its request id, and fails when none comes', async (t) => {
  const { client, connection } = await liveConnection(t);
  const acked = connection.push('NotifySubscriberRequest', { serviceInfo: { name: 'demo' } });
  const sent = await client.next();
  assert.ok('type' in sent);
  assert.equal(sent.type, 'NotifySubscriberRequest');
  assert.equal(sent.body.serviceInfo.name, 'demo');
  assert.equal(typeof sent.body.requestId, 'string');
  client.send('NotifySubscriberResponse', { requestId: `${sent.body.requestId}0`, resultCode: 200, marker: 'wrong id' });
  client.send('NotifySubscriberResponse', { requestId: sent.body.requestId, resultCode: 200, marker: 'right id' });
  assert.equal((await acked).marker, 'right id');

  const unanswered = connection.push('NotifySubscriberRequest', {});
  await client.next();
  await assert.rejects(unanswered, /no answer to NotifySubscriberRequest/);
});

test('a connection ends as the client ended it: stream closed, or call cancelled', async () => {
  const closing = new GrpcTestClient(rig.port);
  const a = await setUp(rig, closing);
  const closed = rig.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED' && e.connectionId === a.connectionId);
  closing.endStream();
  const event = await closed;
  assert.equal(event.cause === 'CONNECTION_CLOSED' && event.ended, 'client-closed');
  assert.deepEqual(await closing.next(), { ended: 'end' });
  const after301 = await closing.request('HealthCheckRequest', {});
  assert.equal(after301.body.errorCode, 301, 'a closed connection is unregistered');
  closing.close();

  const cancelling = new GrpcTestClient(rig.port);
  const b = await setUp(rig, cancelling);
  const reset = rig.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED' && e.connectionId === b.connectionId);
  cancelling.close();
  const resetEvent = await reset;
  assert.equal(resetEvent.cause === 'CONNECTION_CLOSED' && resetEvent.ended, 'reset');
  assert.equal(rig.transport.connections.get(b.connectionId), undefined);
});

test('an idle connection is asked a ClientDetectionRequest: one that answers stays, one that does not is closed and journaled', { timeout: 20_000 }, async (t) => {
  const {
    own: live,
    clients: [answering, silent],
  } = await ownRig(t, { idleMs: 100, sweepEveryMs: 25, detectionTimeoutMs: 150 }, 2);
  await setUp(live, answering);
  const gone = await setUp(live, silent);
  const closed = live.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED');
  const probe = await answering.next();
  assert.ok('type' in probe && probe.type === 'ClientDetectionRequest');
  answering.send('ClientDetectionResponse', { requestId: probe.body.requestId, resultCode: 200 });
  const event = await closed;
  assert.equal(event.connectionId, gone.connectionId, 'only the silent connection is closed');
  assert.ok(event.cause === 'CONNECTION_CLOSED' && event.ended === 'liveness-unanswered' && (event.silentMs ?? 0) >= 100);
  const second = await answering.next();
  assert.ok('type' in second && second.type === 'ClientDetectionRequest', 'the answering connection is checked again later, still open');
  const [entry] = live.journal.query({ cause: 'CONNECTION_CLOSED' }).events;
  assert.equal(entry.evidence.connectionId, gone.connectionId);
  assert.equal(entry.evidence.ended, 'liveness-unanswered');
  assert.equal(typeof entry.evidence.silentMs, 'number');
  assert.equal(entry.ip, '127.0.0.1');
});

test('closing the server ends every connection as server-shutdown', async () => {
  const own = await startRig();
  const client = new GrpcTestClient(own.port);
  const opened = await setUp(own, client);
  await own.transport.close();
  const [entry] = own.journal.query({ cause: 'CONNECTION_CLOSED' }).events;
  assert.deepEqual([entry.evidence.connectionId, entry.evidence.ended], [opened.connectionId, 'server-shutdown']);
  assert.equal(own.journal.query({ cause: 'CONNECTION_OPENED' }).total, 1);
  client.close();
});

test('a second stream on the same connection takes it over: the older stream is ended, the connection keeps its id and serves pushes on the new one', async (t) => {
  const { client, opened, connection } = await liveConnection(t);
  const ends: ConnectionEvent[] = [];
  const stop = rig.bus.on('connection', (e) => {
    if (e.connectionId === opened.connectionId) ends.push(e);
  });
  t.after(stop);
  const before = rig.transport.connections.size;
  const stranded = connection.push('NotifySubscriberRequest', { serviceInfo: { name: 'first' } }).then(
    () => 'answered',
    (err: Error) => err.message,
  );
  assert.equal(((await client.next()) as { type: string }).type, 'NotifySubscriberRequest', 'the first stream carries pushes');

  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  assert.deepEqual(await client.next(), { ended: 'end' }, 'the older stream is ended by the server');
  assert.match(await stranded, /taken over/, 'what awaited an answer on the older stream fails at once');
  assert.equal(rig.transport.connections.get(opened.connectionId), connection, 'the same connection, same id');
  assert.equal(rig.transport.connections.size, before);
  assert.equal(ends.length, 0, 'no end and no second opening is journaled');

  const acked = connection.push('NotifySubscriberRequest', { serviceInfo: { name: 'second' } });
  const sent = await client.next();
  assert.ok('type' in sent && sent.body.serviceInfo.name === 'second');
  client.send('NotifySubscriberResponse', { requestId: sent.body.requestId, resultCode: 200 });
  await acked;
  assert.equal((await client.request('HealthCheckRequest', {})).type, 'HealthCheckResponse');

  const closed = rig.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED' && e.connectionId === opened.connectionId);
  client.endStream();
  const event = await closed;
  assert.equal(event.cause === 'CONNECTION_CLOSED' && event.ended, 'client-closed', 'the newer stream ends the connection');
  assert.equal(rig.transport.connections.get(opened.connectionId), undefined);
  assert.equal(ends.filter((e) => e.cause === 'CONNECTION_CLOSED').length, 1);
});

test('a ConnectionSetupRequest beyond maxConnections is refused: journaled with its reason, the stream ended, calls answered 301; it succeeds once there is room', async (t) => {
  const {
    own: small,
    clients: [first, second],
  } = await ownRig(t, { maxConnections: 1 }, 2);
  const a = await setUp(small, first);
  const refused = small.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED');
  second.openStream();
  second.send('ConnectionSetupRequest', SETUP);
  const event = await refused;
  assert.ok(event.cause === 'CONNECTION_CLOSED' && event.ended === 'refused');
  assert.notEqual(event.connectionId, a.connectionId);
  assert.deepEqual(await second.next(), { ended: 'end' });
  assert.equal((await second.request('HealthCheckRequest', {})).body.errorCode, 301);
  assert.equal(small.transport.connections.size, 1);
  const [entry] = small.journal.query({ cause: 'CONNECTION_CLOSED' }).events;
  assert.equal(entry.evidence.ended, 'refused');
  assert.match(String(entry.evidence.reason), /limit \(--grpc-max-connections\)/);
  assert.equal(entry.evidence.clientVersion, SETUP.clientVersion);

  first.endStream();
  await small.nextConnectionEvent((e) => e.cause === 'CONNECTION_CLOSED' && e.connectionId === a.connectionId);
  const retried = await setUp(small, second);
  assert.equal((await second.request('HealthCheckRequest', {})).type, 'HealthCheckResponse', 'the client gets in once there is room');
  assert.equal(retried.connectionId, event.connectionId, 'with the id its first try was given');
});

test('a ConnectionSetupRequest while the server shuts down is refused and journaled', async () => {
  const own = await startRig();
  const client = new GrpcTestClient(own.port);
  client.openStream();
  // The stream is open but not set up: its setup arrives after close() began.
  assert.equal((await client.request('HealthCheckRequest', {})).body.errorCode, 301);
  const closing = own.transport.close();
  client.send('ConnectionSetupRequest', SETUP);
  await closing;
  const [entry] = own.journal.query({ cause: 'CONNECTION_CLOSED' }).events;
  assert.deepEqual([entry?.evidence.ended, entry?.evidence.reason], ['refused', 'the server is shutting down']);
  assert.equal(own.journal.query({ cause: 'CONNECTION_OPENED' }).total, 0);
  client.close();
});

test("a client's words in its ConnectionSetupRequest are clipped before they are kept", async (t) => {
  const client = new GrpcTestClient(rig.port);
  t.after(() => client.close());
  const opened = rig.nextConnectionEvent((e) => e.cause === 'CONNECTION_OPENED');
  client.openStream();
  client.send('ConnectionSetupRequest', { clientVersion: 'v'.repeat(100_000), tenant: 't'.repeat(5_000), labels: { AppName: 'a'.repeat(5_000), module: ['not', 'a', 'string'] } });
  const event = await opened;
  assert.equal(event.clientVersion.length, 256);
  assert.equal(event.appName.length, 256);
  assert.equal(event.namespace.length, 256);
  assert.equal(event.module, '');
});

test('a stream that sends no ConnectionSetupRequest in time is ended, journaling nothing', { timeout: 10_000 }, async (t) => {
  const {
    own: quick,
    clients: [client],
  } = await ownRig(t, { setupTimeoutMs: 100 }, 1);
  client.openStream();
  client.send('HealthCheckResponse', { requestId: '1' });
  assert.deepEqual(await client.next(), { ended: 'end' });
  assert.equal(quick.journal.query({}).total, 0);
  assert.equal(quick.transport.connections.size, 0);
  const late = await setUp(quick, client);
  assert.equal((await client.request('HealthCheckRequest', {})).type, 'HealthCheckResponse', 'a new stream sets up as ever');
  assert.ok(late.connectionId);
});
