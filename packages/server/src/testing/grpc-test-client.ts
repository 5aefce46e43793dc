import { type Client, credentials, makeGenericClientConstructor, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { type Payload, readPayload } from '@cairn/api';
import { payloadBytes, payloadCodec as codec } from '../transports/grpc/grpc-codec.js';

const Services = makeGenericClientConstructor(
  {
    request: { path: '/Request/request', requestStream: false, responseStream: false, originalName: 'request', ...codec },
    requestBiStream: { path: '/BiRequestStream/requestBiStream', requestStream: true, responseStream: true, originalName: 'requestBiStream', ...codec },
  },
  'NacosTestClient',
);

export interface Answer {
  type: string;
  body: Record<string, any>;
}

/** A message read from the stream, or the reason the stream ended. */
export type StreamItem = Answer | { ended: string };

/**
 * A bare Nacos gRPC client for transport tests: one channel (one HTTP/2 connection), unary requests and one
 * bi-stream, speaking the raw Payload so a test can send what a real client would not.
 */
export class GrpcTestClient {
  private readonly client: Client & Record<string, any>;
  private stream: ClientDuplexStream<Payload | Buffer, Payload> | undefined;
  private readonly inbox: StreamItem[] = [];
  private waiters: ((item: StreamItem) => void)[] = [];

  constructor(port: number, options: Record<string, number> = {}) {
    // A channel of its own: grpc-js would otherwise share one TCP connection between clients of the same address.
    this.client = new Services(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, ...options }) as Client & Record<string, any>;
  }

  /** A unary request; resolves with the answer's type and JSON body, rejects with the gRPC status error. */
  request(type: string, body: Record<string, unknown> | string, headers: Record<string, string> = {}): Promise<Answer> {
    const payload: Payload = { type, clientIp: '127.0.0.1', headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
    return this.raw(payloadBytes(payload));
  }

  /** Sends bytes as they are (the codec is bypassed by handing a Buffer through a Payload-typed call). */
  raw(bytes: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        '/Request/request',
        (b: Buffer) => b,
        readPayload,
        bytes,
        (err: ServiceError | null, res?: Payload) => {
          if (err || !res) reject(err);
          else resolve({ type: res.type, body: JSON.parse(res.body) });
        },
      );
    });
  }

  /** Opens the bi-stream; messages the server sends queue until `next()` reads them. */
  openStream(): void {
    // Payloads are encoded; a Buffer goes out as it is (see sendRaw).
    const stream = this.client.makeBidiStreamRequest('/BiRequestStream/requestBiStream', (p: Payload | Buffer) => (Buffer.isBuffer(p) ? p : payloadBytes(p)), readPayload) as ClientDuplexStream<Payload | Buffer, Payload>;
    stream.on('data', (p: Payload) => this.deliver({ type: p.type, body: JSON.parse(p.body) }));
    stream.on('error', (err: Error) => this.deliver({ ended: err.message }));
    stream.on('end', () => this.deliver({ ended: 'end' }));
    this.stream = stream;
  }

  send(type: string, body: Record<string, unknown>): void {
    this.stream?.write({ type, clientIp: '127.0.0.1', headers: {}, body: JSON.stringify(body) });
  }

  /** Writes bytes on the stream as they are, Payload or not. */
  sendRaw(bytes: Buffer): void {
    this.stream?.write(bytes);
  }

  /** The next message from the server on the stream (or how the stream ended). */
  next(): Promise<StreamItem> {
    const item = this.inbox.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Half-closes the stream, as a client that shuts down cleanly does. */
  endStream(): void {
    this.stream?.end();
  }

  close(): void {
    this.stream?.cancel();
    this.client.close();
  }

  private deliver(item: StreamItem): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.inbox.push(item);
  }
}

/** An InstanceRequest body (`registerInstance`, `deregisterInstance`) as the Java client sends one. */
export function instanceRequest(service: string, type: string, instance: Record<string, unknown>, namespace = 'public'): Record<string, unknown> {
  return { headers: {}, requestId: '1', namespace, serviceName: service, groupName: 'DEFAULT_GROUP', type, instance, module: 'naming' };
}

/** A ConnectionSetupRequest as the Java client sends it, for a module and app. */
export function javaSetup(module: string, appName = 'orders'): Record<string, unknown> {
  return { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module, AppName: appName }, abilityTable: null };
}

/**
 * A client connected in the Java order (ServerCheck, then the stream with `setup`), resolved once the server has
 * registered the connection, with the id the server gave it.
 */
export async function connectedClient(port: number, setup: Record<string, unknown>): Promise<{ client: GrpcTestClient; connectionId: string }> {
  const client = new GrpcTestClient(port);
  const check = await client.request('ServerCheckRequest', { headers: {} });
  client.openStream();
  client.send('ConnectionSetupRequest', setup);
  // The connection is registered once a request is no longer answered 301.
  while ((await client.request('HealthCheckRequest', { headers: {} })).type !== 'HealthCheckResponse') await new Promise((r) => setTimeout(r, 10));
  return { client, connectionId: String(check.body.connectionId) };
}
