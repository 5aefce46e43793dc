import net from 'node:net';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection to 127.0.0.1 with one request in flight at a time, written straight to a
 * socket. It parses just what the server sends (status line, Content-Length or chunked body, Connection: close),
 * and costs several times less CPU per request than node:http. That matters because the generator shares two
 * cores with the server: every cycle it spends is one the server cannot use.
 */
export class RawConnection {
  constructor(port) {
    this.port = port;
    this.socket = null;
    this.pending = null;
    this.chunks = [];
    this.buffered = 0;
  }

  /** `headers`: extra header lines, each ending in CRLF (`Long-Pulling-Timeout: 30000\r\n`). */
  request(method, path, wantBody, timeoutMs, headers = '') {
    if (this.pending) return Promise.reject(new Error('RawConnection: a request is already in flight'));
    if (!this.socket) this.connect();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.failAndClose(new Error(`timeout after ${timeoutMs} ms: ${method} ${path.slice(0, 60)}`)), timeoutMs);
      this.pending = { resolve, reject, wantBody, timer };
      this.socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\n${headers}Content-Length: 0\r\n\r\n`);
    });
  }

  connect() {
    const socket = net.connect({ host: '127.0.0.1', port: this.port, noDelay: true });
    socket.on('data', (data) => this.onData(data));
    socket.on('error', (error) => this.failAndClose(error));
    socket.on('close', () => {
      if (this.socket === socket) this.failAndClose(new Error('connection closed by the server'));
    });
    this.socket = socket;
    this.chunks = [];
    this.buffered = 0;
  }

  onData(data) {
    this.chunks.push(data);
    this.buffered += data.length;
    if (!this.pending) return;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [buf];
    const headEnd = buf.indexOf(CRLFCRLF);
    if (headEnd < 0) return;
    const head = buf.latin1Slice(0, headEnd);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const bodyStart = headEnd + 4;
    let body, end;
    const lengthAt = lower.indexOf('\r\ncontent-length:');
    if (lengthAt >= 0) {
      const lineEnd = lower.indexOf('\r\n', lengthAt + 2);
      const length = parseInt(lower.slice(lengthAt + 17, lineEnd < 0 ? undefined : lineEnd).trim(), 10);
      if (buf.length < bodyStart + length) return;
      end = bodyStart + length;
      body = buf.subarray(bodyStart, end);
    } else if (lower.includes('\r\ntransfer-encoding: chunked')) {
      const parsed = dechunk(buf, bodyStart);
      if (!parsed) return;
      [body, end] = parsed;
    } else {
      return this.failAndClose(new Error('response without Content-Length or chunked encoding'));
    }
    const rest = buf.subarray(end);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    const { resolve, wantBody, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    if (lower.includes('\r\nconnection: close')) this.close();
    resolve({ status, body: wantBody ? body.toString('utf8') : '', bytes: body.length });
  }

  failAndClose(error) {
    const pending = this.pending;
    this.pending = null;
    this.close();
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  close() {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }
}

/** Decodes a chunked body starting at `from`; undefined while incomplete. */
function dechunk(buf, from) {
  const parts = [];
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.latin1Slice(at, lineEnd), 16);
    if (size === 0) {
      const end = buf.indexOf(CRLFCRLF, lineEnd);
      return end < 0 ? undefined : [Buffer.concat(parts), end + 4];
    }
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
