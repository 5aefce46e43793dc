/**
 * The Nacos 2.x gRPC message, shared by the server and the SDK, encoded and decoded by hand (it has five fields;
 * a protobuf library would be a larger dependency than the code). Field numbers, from Nacos's proto (proto3, no
 * package):
 *   Metadata { string type = 3; map<string,string> headers = 7; string clientIp = 8; }
 *   Payload  { Metadata metadata = 2; google.protobuf.Any body = 3; }
 *   Any      { string type_url = 1; bytes value = 2; }   body.value is the UTF-8 JSON of the request or response.
 * Unknown fields are skipped, as protobuf requires. Plain `Uint8Array`s, so both Node and a browser can use it.
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

// Both are globals in Node and in browsers; the ES library typings this package compiles with do not declare them.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };
const utf8Out = new TextEncoder();
const utf8In = new TextDecoder();

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/**
 * The bytes of a payload, written into one buffer sized up front: each string is encoded once and copied once
 * (a pushed serviceInfo is kilobytes, sent to every subscriber).
 */
export function encodePayload(payload: Payload): Uint8Array {
  // Metadata fields in order: type (3), each header entry (7: key 1, value 2), clientIp (8).
  const meta: [number, Uint8Array | [Uint8Array, Uint8Array]][] = [];
  if (payload.type !== '') meta.push([3, utf8Out.encode(payload.type)]);
  for (const [key, value] of Object.entries(payload.headers)) meta.push([7, [utf8Out.encode(key), utf8Out.encode(value)]]);
  if (payload.clientIp !== '') meta.push([8, utf8Out.encode(payload.clientIp)]);
  const body = utf8Out.encode(payload.body);
  const sizeOf = (value: Uint8Array | [Uint8Array, Uint8Array]): number => (value instanceof Uint8Array ? value.length : fieldSize(value[0].length) + fieldSize(value[1].length));
  let metaSize = 0;
  for (const [, value] of meta) metaSize += fieldSize(sizeOf(value));
  const anySize = fieldSize(body.length);
  const out = new Uint8Array(fieldSize(metaSize) + fieldSize(anySize));
  let at = 0;
  const head = (no: number, length: number): void => {
    out[at++] = no * 8 + WIRE_LEN;
    at = writeVarint(out, at, length);
  };
  const bytes = (no: number, value: Uint8Array): void => {
    head(no, value.length);
    out.set(value, at);
    at += value.length;
  };
  head(2, metaSize);
  for (const [no, value] of meta) {
    if (value instanceof Uint8Array) bytes(no, value);
    else {
      head(no, sizeOf(value));
      bytes(1, value[0]);
      bytes(2, value[1]);
    }
  }
  head(3, anySize);
  bytes(2, body);
  return out;
}

/** Bytes of a length-delimited field numbered below 16 (a one-byte tag) holding `length` bytes. */
function fieldSize(length: number): number {
  let size = 2;
  for (let v = length; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size + length;
}

function writeVarint(out: Uint8Array, start: number, n: number): number {
  let at = start;
  let v = n;
  while (v >= 0x80) {
    out[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

export function decodePayload(bytes: Uint8Array): Payload {
  const out: Payload = { type: '', clientIp: '', headers: {}, body: '' };
  for (const f of fields(bytes)) {
    if (f.no === 2 && f.bytes) decodeMetadata(f.bytes, out);
    else if (f.no === 3 && f.bytes) {
      for (const a of fields(f.bytes)) if (a.no === 2 && a.bytes) out.body = utf8In.decode(a.bytes);
    }
  }
  return out;
}

/** `decodePayload` that never throws (grpc-js would answer a bare INTERNAL): the receiver answers the reason instead. */
export function readPayload(bytes: Uint8Array): Payload {
  try {
    return decodePayload(bytes);
  } catch (err) {
    return { type: '', clientIp: '', headers: {}, body: '', invalid: (err as Error).message };
  }
}

function decodeMetadata(bytes: Uint8Array, out: Payload): void {
  for (const f of fields(bytes)) {
    if (!f.bytes) continue;
    if (f.no === 3) out.type = utf8In.decode(f.bytes);
    else if (f.no === 8) out.clientIp = utf8In.decode(f.bytes);
    else if (f.no === 7) {
      let key = '';
      let value = '';
      for (const e of fields(f.bytes)) {
        if (e.no === 1 && e.bytes) key = utf8In.decode(e.bytes);
        if (e.no === 2 && e.bytes) value = utf8In.decode(e.bytes);
      }
      out.headers[key] = value;
    }
  }
}

interface Field {
  no: number;
  bytes?: Uint8Array;
}

function* fields(buf: Uint8Array): Generator<Field> {
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

function varint(buf: Uint8Array, start: number): [number, number] {
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
