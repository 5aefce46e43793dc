import { decodePayload, encodePayload } from '@cairn/api';
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { createServer } from 'node:net';

/** A free loopback port now, for the server's `--grpc-port`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Message {
  type: string;
  body: Record<string, any>;
}

/** A gRPC message: the 5-byte prefix (not compressed, length) and the encoded Payload. */
function frame(type: string, body: Record<string, unknown>): Buffer {
  const bytes = encodePayload({ type, clientIp: '127.0.0.1', headers: {}, body: JSON.stringify(body) });
  const out = Buffer.alloc(5 + bytes.length);
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

/** Splits the gRPC messages off the front of `buffer`; returns them and what is left. */
function unframe(buffer: Buffer): { messages: Message[]; rest: Buffer } {
  const messages: Message[] = [];
  let rest = buffer;
  while (rest.length >= 5 && rest.length >= 5 + rest.readUInt32BE(1)) {
    const length = rest.readUInt32BE(1);
    const p = decodePayload(rest.subarray(5, 5 + length));
    messages.push({ type: p.type, body: p.body === '' ? {} : JSON.parse(p.body) });
    rest = rest.subarray(5 + length);
  }
  return { messages, rest };
}

/**
 * A Nacos 2.x naming client reduced to what the browser tests need, over plain HTTP/2: it connects as the Java
 * client does (ServerCheck, then the stream with its ConnectionSetupRequest), registers and subscribes, and answers
 * the server's pushes on its stream.
 */
export class GrpcNamingClient {
  private stream: ClientHttp2Stream | undefined;

  private constructor(
    private readonly session: ClientHttp2Session,
    readonly connectionId: string,
  ) {}

  static async connect(port: number, appName: string): Promise<GrpcNamingClient> {
    const session = connect(`http://127.0.0.1:${port}`);
    const check = await unary(session, 'ServerCheckRequest', {});
    const client = new GrpcNamingClient(session, String(check.body.connectionId));
    client.openStream({ clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming', AppName: appName } });
    // Registered once a request is no longer answered "unregistered".
    while ((await unary(session, 'HealthCheckRequest', {})).type !== 'HealthCheckResponse') await new Promise((r) => setTimeout(r, 20));
    return client;
  }

  request(type: string, body: Record<string, unknown>): Promise<Message> {
    return unary(this.session, type, body);
  }

  close(): void {
    this.stream?.end();
    this.session.close();
  }

  private openStream(setup: Record<string, unknown>): void {
    const stream = this.session.request({ ':method': 'POST', ':path': '/BiRequestStream/requestBiStream', 'content-type': 'application/grpc', te: 'trailers' });
    let pending: Buffer = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      const { messages, rest } = unframe(Buffer.concat([pending, chunk]));
      pending = rest;
      // Every server request is answered, as a live client does (pushes, liveness checks).
      for (const m of messages) stream.write(frame(m.type.replace(/Request$/, 'Response'), { requestId: m.body.requestId, resultCode: 200, errorCode: 0 }));
    });
    stream.on('error', () => undefined);
    stream.write(frame('ConnectionSetupRequest', setup));
    this.stream = stream;
  }
}

function unary(session: ClientHttp2Session, type: string, body: Record<string, unknown>): Promise<Message> {
  return new Promise((resolve, reject) => {
    const call = session.request({ ':method': 'POST', ':path': '/Request/request', 'content-type': 'application/grpc', te: 'trailers' });
    let data: Buffer = Buffer.alloc(0);
    call.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
    });
    call.on('end', () => {
      const [answer] = unframe(data).messages;
      if (answer) resolve(answer);
      else reject(new Error(`no answer to ${type}`));
    });
    call.on('error', reject);
    call.end(frame(type, body));
  });
}
