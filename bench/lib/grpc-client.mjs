// A Nacos 2.x gRPC client for the load generator, over node:http2 with gRPC's framing written out: each message is
// a 5-byte prefix (0 = not compressed, then the length as a big-endian uint32) and the Payload bytes of the shared
// codec; requests are POSTs with `content-type: application/grpc` and `te: trailers`, and the status comes in the
// trailers (`grpc-status`). A grpc-js channel per connection costs far more memory and timers than one HTTP/2
// session, and the idle scenario holds 10,000 of them; this client is one session, one bi-stream, nothing else.
import http2 from 'node:http2';
import { decodePayload, encodePayload } from '@cairn/api';

const UNARY = { ':method': 'POST', ':path': '/Request/request', 'content-type': 'application/grpc', te: 'trailers' };
const BI_STREAM = { ':method': 'POST', ':path': '/BiRequestStream/requestBiStream', 'content-type': 'application/grpc', te: 'trailers' };
const SETUP = { clientVersion: 'Nacos-Java-Client:v2.3.2', tenant: '', labels: { source: 'sdk', module: 'naming', AppName: 'cairn-bench' }, abilityTable: null };

/** One gRPC message: the 5-byte prefix and the encoded Payload. */
export function grpcFrame(type, body, clientIp = '127.0.0.1') {
  const bytes = encodePayload({ type, clientIp, headers: {}, body: JSON.stringify(body) });
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out[0] = 0;
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

/** Cuts a byte stream into gRPC messages (a message may span chunks, a chunk may hold several). */
class FrameReader {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.rest = null;
  }

  push(chunk) {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let pos = 0;
    while (buf.length - pos >= 5) {
      const len = buf.readUInt32BE(pos + 1);
      if (buf.length - pos - 5 < len) break;
      if (buf[pos] !== 0) throw new Error('compressed gRPC message (none was asked for)');
      this.onMessage(decodePayload(buf.subarray(pos + 5, pos + 5 + len)));
      pos += 5 + len;
    }
    this.rest = pos === buf.length ? null : buf.subarray(pos);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One client connection as a Java client makes it: ServerCheck, the bi-stream with ConnectionSetupRequest, then unary
 * requests. It answers the server's requests on the stream at once: `ClientDetectionRequest` (liveness) and
 * `NotifySubscriberRequest` (a push, handed to `onNotify(serviceInfo, receivedAt)` first).
 */
export class GrpcClientConnection {
  constructor(port, localAddress) {
    this.port = port;
    this.localAddress = localAddress;
    this.nextId = 1;
    this.detections = 0;
    this.notifies = 0;
    this.closed = false;
    this.closeReason = null;
    this.onNotify = null;
  }

  /** Connects and sets the connection up; resolves once the server answers requests on it (no more 301). */
  async open(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    const session = http2.connect(`http://127.0.0.1:${this.port}`, this.localAddress ? { localAddress: this.localAddress } : {});
    this.session = session;
    session.on('error', (err) => this.markClosed(`session error: ${err.message}`));
    session.on('close', () => this.markClosed('session closed'));
    session.on('goaway', (code) => this.markClosed(`GOAWAY ${code}`));
    await new Promise((resolve, reject) => {
      session.once('connect', resolve);
      session.once('error', reject);
    });
    const check = await this.request('ServerCheckRequest', { headers: {} });
    if (check.type !== 'ServerCheckResponse') throw new Error(`ServerCheckRequest answered ${check.type}: ${JSON.stringify(check.body)}`);
    this.connectionId = check.body.connectionId;
    const stream = session.request(BI_STREAM);
    this.stream = stream;
    const reader = new FrameReader((p) => this.onServerMessage(p));
    stream.on('data', (chunk) => reader.push(chunk));
    stream.on('error', (err) => this.markClosed(`stream error: ${err.message}`));
    stream.on('close', () => this.markClosed('stream closed'));
    stream.write(grpcFrame('ConnectionSetupRequest', SETUP, this.clientIp()));
    // The setup message and the next unary call travel in different HTTP/2 streams: ask until the server knows us.
    for (;;) {
      const health = await this.request('HealthCheckRequest', { headers: {} });
      if (health.type === 'HealthCheckResponse') return this;
      if (health.body.errorCode !== 301 || Date.now() > deadline) throw new Error(`HealthCheckRequest answered ${health.type}: ${JSON.stringify(health.body)}`);
      await sleep(5);
    }
  }

  clientIp() {
    return this.localAddress ?? '127.0.0.1';
  }

  /** A unary request; resolves to { type, body } (the answer's JSON parsed), rejects on a gRPC status other than 0. */
  request(type, body, timeoutMs = 30_000) {
    if (this.closed) return Promise.reject(new Error(`connection closed (${this.closeReason})`));
    const frame = grpcFrame(type, { ...body, requestId: String(this.nextId++), module: 'naming' }, this.clientIp());
    return new Promise((resolve, reject) => {
      const stream = this.session.request(UNARY);
      const chunks = [];
      let status = null;
      let message = '';
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`${type}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const readStatus = (headers) => {
        if (headers['grpc-status'] !== undefined) {
          status = Number(headers['grpc-status']);
          message = headers['grpc-message'] ?? '';
        }
      };
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      stream.on('end', () => {
        clearTimeout(timer);
        if (status !== 0) return reject(new Error(`${type}: gRPC status ${status} ${decodeURIComponent(message)}`));
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (buf.length < 5) return reject(new Error(`${type}: empty answer`));
        const payload = decodePayload(buf.subarray(5, 5 + buf.readUInt32BE(1)));
        resolve({ type: payload.type, body: JSON.parse(payload.body) });
      });
      stream.end(frame);
    });
  }

  onServerMessage(payload) {
    const receivedAt = performance.timeOrigin + performance.now();
    const body = JSON.parse(payload.body);
    if (payload.type === 'ClientDetectionRequest') {
      this.detections++;
      this.answer('ClientDetectionResponse', body.requestId);
    } else if (payload.type === 'NotifySubscriberRequest') {
      this.notifies++;
      this.onNotify?.(body.serviceInfo, receivedAt);
      this.answer('NotifySubscriberResponse', body.requestId);
    }
  }

  answer(type, requestId) {
    if (!this.closed) this.stream.write(grpcFrame(type, { requestId, resultCode: 200, errorCode: 0, success: true }, this.clientIp()));
  }

  markClosed(reason) {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
  }

  close() {
    this.markClosed('closed by the bench');
    this.stream?.end();
    this.session?.close();
  }
}

/** Runs `task(i)` for i in [from, to) with at most `concurrency` at once; resolves when all are done. */
export async function forEachLimited(from, to, concurrency, task) {
  let next = from;
  const lane = async () => {
    while (next < to) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, to - from) }, lane));
}
