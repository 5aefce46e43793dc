import { encodePayload, type Payload, readPayload } from '@cairn/api';
import { Server, ServerCredentials, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';

const toBuffer = (p: Payload) => Buffer.from(encodePayload(p));
const codec = { requestSerialize: toBuffer, requestDeserialize: readPayload, responseSerialize: toBuffer, responseDeserialize: readPayload };

export interface Received {
  type: string;
  body: Record<string, any>;
}

/**
 * A Nacos gRPC server that answers the handshake and every unary request with success, records what it receives,
 * and lets a test send the server requests that a real server sends rarely or never (ClientDetectionRequest after
 * 20 s of silence, ConnectResetRequest), on the newest stream.
 */
export class ScriptedGrpcServer {
  readonly received: Received[] = [];
  readonly streams: ServerDuplexStream<Payload, Payload>[] = [];
  port = 0;
  private readonly server = new Server();
  private connections = 0;

  async start(port: number): Promise<this> {
    this.server.addService(
      { request: { path: '/Request/request', requestStream: false, responseStream: false, originalName: 'request', ...codec } },
      { request: (call: ServerUnaryCall<Payload, Payload>, done: sendUnaryData<Payload>) => done(null, this.answer(call.request)) },
    );
    this.server.addService(
      { requestBiStream: { path: '/BiRequestStream/requestBiStream', requestStream: true, responseStream: true, originalName: 'requestBiStream', ...codec } },
      {
        requestBiStream: (call: ServerDuplexStream<Payload, Payload>) => {
          this.streams.push(call);
          call.on('data', (p: Payload) => this.received.push({ type: p.type, body: JSON.parse(p.body) }));
          call.on('error', () => undefined);
        },
      },
    );
    this.port = await new Promise<number>((resolve, reject) => this.server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    return this;
  }

  /** Sends a server request on the newest stream. */
  send(type: string, body: Record<string, unknown>): void {
    this.streams.at(-1)!.write({ type, clientIp: '', headers: {}, body: JSON.stringify(body) });
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.type === type);
  }

  close(): void {
    this.server.forceShutdown();
  }

  private answer(p: Payload): Payload {
    const body = JSON.parse(p.body) as Record<string, unknown>;
    this.received.push({ type: p.type, body });
    const type = p.type === 'ServerCheckRequest' ? 'ServerCheckResponse' : p.type.replace(/Request$/, 'Response');
    const extra = p.type === 'ServerCheckRequest' ? { connectionId: `scripted-${++this.connections}` } : {};
    return { type, clientIp: '', headers: {}, body: JSON.stringify({ resultCode: 200, errorCode: 0, success: true, requestId: body.requestId, ...extra }) };
  }
}
