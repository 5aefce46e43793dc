import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionEndCause, ConnectionEndEvidence } from '../naming/commands.js';
import { BEATER, CLIENT, ORDERS, T0, beat, connectionClient, newRegistry, registration, sourcesOf } from '../naming/testing/registry-fixture.js';
import { span } from './connection-sentence.js';
import { diagnose } from './diagnosis.js';

const CONNECTED_FOR = (3 * 60 + 12) * 60_000; // 3 h 12 min
const A = connectionClient();

/** An instance held by connection A for 3 h 12 min, then the connection ends; its diagnosis afterwards. */
function explainAfterEnd(cause: ConnectionEndCause, evidence: ConnectionEndEvidence = {}): string {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(CONNECTED_FOR);
  registry.connectionClosed(A.connectionId, cause, evidence);
  time.advance(60_000);
  const diagnosis = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(diagnosis.state, 'absent');
  assert.equal(diagnosis.lastTransition?.cause, 'CONNECTION_INSTANCE_REMOVED');
  return diagnosis.explanation;
}

const WHO = `connection ${T0}_10.0.0.7_52110 (Nacos-Java-Client:v2.3.2, app orders)`;

test('an unanswered liveness check: how long it was silent and how long it had been connected', () => {
  assert.equal(explainAfterEnd('LIVENESS_UNANSWERED', { silentMs: 20_000 }), `Removed at 13:12:00 when ${WHO} ended: it answered no liveness check for 20 s after 3 h 12 min connected; the client process stopped or lost its network.`);
});

test('closed by the client', () => {
  assert.equal(explainAfterEnd('CLIENT_CLOSED'), `Removed at 13:12:00 when ${WHO} ended: the client closed its connection after 3 h 12 min connected: it shut down or deregistered.`);
});

test('reset, with the transport’s words', () => {
  assert.equal(
    explainAfterEnd('RESET', { detail: 'ECONNRESET' }),
    `Removed at 13:12:00 when ${WHO} ended: the connection was reset after 3 h 12 min connected without a clean close (ECONNRESET): the client process was killed or the network between it and this server broke.`,
  );
});

test('server shutdown', () => {
  assert.equal(explainAfterEnd('SERVER_SHUTDOWN'), `Removed at 13:12:00 when ${WHO} ended: this server shut down after 3 h 12 min connected; the client registers again when it reconnects to a server.`);
});

test('an operator asked the client to reconnect', () => {
  assert.equal(explainAfterEnd('RESET_REQUESTED'), `Removed at 13:12:00 when ${WHO} ended: an operator asked its client to reconnect (ConnectResetRequest) after 3 h 12 min connected; the client registers again on its new connection.`);
});

test('a client without version or app name still reads', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), connectionClient({ clientVersion: '', appName: undefined }));
  time.advance(45_000);
  registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED');
  assert.match(diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080).explanation, /connection \S+ \(client version not sent\) ended: the client closed its connection after 45 s connected/);
});

test('a live connection-held instance is explained by its connection, not by heartbeats', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(CONNECTED_FOR);
  const diagnosis = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(diagnosis.state, 'healthy');
  assert.equal(diagnosis.explanation, `Healthy: held by ${WHO} from 10.0.0.7, connected 3 h 12 min ago; it lives as long as a connection holding it, without heartbeats.`);
});

test('an instance back after its connection ended tells the outage by the connection', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(CONNECTED_FOR);
  registry.connectionClosed(A.connectionId, 'RESET');
  time.advance(3_000);
  registry.registerInstance(registration(), CLIENT);
  const diagnosis = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(diagnosis.lastOutage?.removedBy, 'CONNECTION_INSTANCE_REMOVED');
  assert.match(diagnosis.explanation, new RegExp(`it was removed at 13:12:00 when connection ${T0}_10\\.0\\.0\\.7_52110 .* ended \\(the connection was reset after 3 h 12 min connected`));
});

test('span reads a duration in its two largest units', () => {
  assert.equal(span(0), '0 s');
  assert.equal(span(20_400), '20 s');
  assert.equal(span(725_000), '12 min 5 s');
  assert.equal(span(CONNECTED_FOR + 59_000), '3 h 12 min');
  assert.equal(span(3_600_000), '1 h');
  assert.equal(span(2 * 86_400_000 + 4 * 3_600_000), '2 d 4 h');
});

test('an instance that left with its connection and was re-created by an HTTP heartbeat tells both', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(60_000);
  registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED');
  time.advance(2_000);
  registry.beat(beat({ body: { weight: 1, metadata: {} } }), BEATER);
  assert.match(
    diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080).explanation,
    /^Healthy again since 10:01:02; it was removed at 10:01:00 when connection \S+ \(Nacos-Java-Client:v2\.3\.2, app orders\) ended \(the client closed its connection after 1 min connected: it shut down or deregistered\) and a heartbeat from its still-running client re-created it 2\.0 s later\./,
  );
});

test('an HTTP deregistration that could not remove a connection-held instance is explained', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(60_000);
  registry.deregisterInstance({ ...ORDERS, ip: '10.0.0.7', port: 8080 }, { ip: '192.168.1.20', via: 'DELETE /nacos/v1/ns/instance', claimedUser: 'ops' });
  assert.match(
    diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080).explanation,
    / A deregistration at 10:01:00 by DELETE \/nacos\/v1\/ns\/instance from 192\.168\.1\.20 \(claiming to be user ops; not verified\) did not remove it: a gRPC connection holds it, and only that connection's deregistration or its end removes it\.$/,
  );
});
