/**
 * The Nacos 2.x gRPC message, encoded and decoded by hand (it has five fields; a protobuf library would be a
 * larger dependency than the code). Field numbers, from Nacos's proto (proto3, no package):
 *   Metadata { string type = 3; map<string,string> headers = 7; string clientIp = 8; }
 *   Payload  { Metadata metadata = 2; google.protobuf.Any body = 3; }
 *   Any      { string type_url = 1; bytes value = 2; }   body.value is the UTF-8 JSON of the request or response.
 * Unknown fields are skipped, as protobuf requires.
 */
export interface Payload {
  type: string;
  clientIp: string;
  headers: Record<string, string>;
  /** The JSON text of the body (`""` when the payload has none). */
  body: string;
  /** Set by `readPayload` when the bytes were no Payload: why. */
  invalid?: string;
}

export class PayloadDecodeError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export function encodePayload(payload: Payload): Buffer {
  const meta: Buffer[] = [];
  if (payload.type !== '') meta.push(lenField(3, Buffer.from(payload.type)));
  for (const [key, value] of Object.entries(payload.headers)) {
    meta.push(lenField(7, Buffer.concat([lenField(1, Buffer.from(key)), lenField(2, Buffer.from(value))])));
  }
  if (payload.clientIp !== '') meta.push(lenField(8, Buffer.from(payload.clientIp)));
  const any = lenField(2, Buffer.from(payload.body));
  return Buffer.concat([lenField(2, Buffer.concat(meta)), lenField(3, any)]);
}

export function decodePayload(bytes: Buffer): Payload {
  const out: Payload = { type: '', clientIp: '', headers: {}, body: '' };
  for (const f of fields(bytes)) {
    if (f.no === 2 && f.bytes) decodeMetadata(f.bytes, out);
    else if (f.no === 3 && f.bytes) {
      for (const a of fields(f.bytes)) if (a.no === 2 && a.bytes) out.body = a.bytes.toString('utf8');
    }
  }
  return out;
}

/** `decodePayload` that never throws (grpc-js would answer a bare INTERNAL): the handler answers the reason instead. */
export function readPayload(bytes: Buffer): Payload {
  try {
    return decodePayload(bytes);
  } catch (err) {
    return { type: '', clientIp: '', headers: {}, body: '', invalid: (err as Error).message };
  }
}

function decodeMetadata(bytes: Buffer, out: Payload): void {
  for (const f of fields(bytes)) {
    if (!f.bytes) continue;
    if (f.no === 3) out.type = f.bytes.toString('utf8');
    else if (f.no === 8) out.clientIp = f.bytes.toString('utf8');
    else if (f.no === 7) {
      let key = '';
      let value = '';
      for (const e of fields(f.bytes)) {
        if (e.no === 1 && e.bytes) key = e.bytes.toString('utf8');
        if (e.no === 2 && e.bytes) value = e.bytes.toString('utf8');
      }
      out.headers[key] = value;
    }
  }
}

interface Field {
  no: number;
  bytes?: Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = varint(buf, pos);
    pos = afterTag;
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    if (no === 0) throw new PayloadDecodeError('field number 0');
    if (wire === WIRE_VARINT) pos = varint(buf, pos)[1];
    else if (wire === WIRE_I64) pos += 8;
    else if (wire === WIRE_I32) pos += 4;
    else if (wire === WIRE_LEN) {
      const [len, start] = varint(buf, pos);
      if (start + len > buf.length) throw new PayloadDecodeError('length past the end of the message');
      pos = start + len;
      yield { no, bytes: buf.subarray(start, pos) };
      continue;
    } else throw new PayloadDecodeError(`unsupported wire type ${wire}`);
    if (pos > buf.length) throw new PayloadDecodeError('field past the end of the message');
    yield { no };
  }
}

function varint(buf: Buffer, start: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let pos = start; pos < buf.length && pos < start + 10; pos++) {
    const byte = buf[pos];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, pos + 1];
  }
  throw new PayloadDecodeError('truncated varint');
}

function lenField(no: number, bytes: Buffer): Buffer {
  return Buffer.concat([encodeVarint(no * 8 + WIRE_LEN), encodeVarint(bytes.length), bytes]);
}

function encodeVarint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
