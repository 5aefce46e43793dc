import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePortPair } from '@cairn/testkit';
import { NamingClient } from '../../index.js';
import { captureLogger, waitFor } from '../../testing/helpers.js';
import { ScriptedGrpcServer } from '../../testing/scripted-grpc-server.js';

// The server's requests on the stream, from a scripted server that can send them at will: a real Cairn sends
// ClientDetectionRequest only after 20 s of silence, which this client's 5 s health checks prevent, and
// ConnectResetRequest when an operator asks (tested against a real server in grpc-naming.test.ts).
let server: ScriptedGrpcServer;
let client: NamingClient;
before(async () => {
  const port = await freePortPair();
  server = await new ScriptedGrpcServer().start(port + 1000);
  client = new NamingClient({ serverAddresses: [`127.0.0.1:${port}`], protocol: 'grpc', appName: 'scripted-app', namespace: 'dev', logger: captureLogger() });
  await client.registerInstance('scripted', { ip: '10.0.0.60', port: 7601 });
});
after(async () => {
  await client.close();
  server.close();
});

test('the handshake: ServerCheckRequest first, then the stream with a ConnectionSetupRequest naming the client', () => {
  assert.equal(server.received[0].type, 'ServerCheckRequest');
  const [setup] = server.of('ConnectionSetupRequest');
  assert.equal(setup.body.clientVersion, 'Cairn-SDK:0.1.0');
  assert.equal(setup.body.tenant, 'dev');
  assert.deepEqual(setup.body.labels, { module: 'naming', source: 'sdk', AppName: 'scripted-app' });
  assert.deepEqual(
    server.of('InstanceRequest').map((r) => r.body.instance.ip),
    ['10.0.0.60'],
    'registered once',
  );
});

test('ClientDetectionRequest and NotifySubscriberRequest are answered on the stream, with their request ids', async () => {
  server.send('ClientDetectionRequest', { requestId: 'detect-1', headers: {} });
  server.send('NotifySubscriberRequest', { requestId: 'push-1', headers: {}, serviceInfo: { name: 'scripted', groupName: 'DEFAULT_GROUP', clusters: '', hosts: [] } });
  await waitFor('both answers', () => server.of('NotifySubscriberResponse').length === 1 && server.of('ClientDetectionResponse').length === 1, 3000);
  assert.deepEqual(
    [server.of('ClientDetectionResponse')[0].body, server.of('NotifySubscriberResponse')[0].body].map((b) => [b.requestId, b.resultCode]),
    [
      ['detect-1', 200],
      ['push-1', 200],
    ],
  );
});

test('ConnectResetRequest: answered, then the client reconnects and registers its instance again', async () => {
  server.send('ConnectResetRequest', { requestId: 'reset-1', headers: {} });
  await waitFor('a second connection set up', () => server.of('ConnectionSetupRequest').length === 2, 5000);
  await waitFor('the instance registered again', () => server.of('InstanceRequest').length === 2, 5000);
  assert.equal(server.of('ConnectResetResponse')[0].body.requestId, 'reset-1');
  assert.equal(server.of('ServerCheckRequest').length, 2, 'a new connection, from the ServerCheck on');
});
