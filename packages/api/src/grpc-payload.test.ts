import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePayload, encodePayload, PayloadDecodeError, readPayload } from './grpc-payload.js';

test('a payload survives encoding and decoding, headers and non-ASCII text included', () => {
  const payload = { type: 'InstanceRequest', clientIp: '10.0.0.5', headers: { app: 'orders', 'Vipserver-Tag': 'gray' }, body: '{"serviceName":"débit"}' };
  assert.deepEqual(decodePayload(encodePayload(payload)), payload);
});

test('the bytes follow Nacos field numbers: metadata 2 (type 3, headers 7, clientIp 8), body 3 (Any value 2)', () => {
  const bytes = encodePayload({ type: 'T', clientIp: 'I', headers: { k: 'v' }, body: '{}' });
  const metadata = [0x1a, 1, 0x54, 0x3a, 6, 0x0a, 1, 0x6b, 0x12, 1, 0x76, 0x42, 1, 0x49];
  assert.deepEqual([...bytes], [0x12, metadata.length, ...metadata, 0x1a, 4, 0x12, 2, 0x7b, 0x7d]);
});

test('unknown fields are skipped; a body with a type_url still yields its value', () => {
  const unknownVarint = [0x08, 0x96, 0x01];
  const any = [0x0a, 3, 0x61, 0x2f, 0x62, 0x12, 2, 0x7b, 0x7d];
  const decoded = decodePayload(Uint8Array.from([...unknownVarint, 0x12, 3, 0x1a, 1, 0x58, 0x1a, any.length, ...any]));
  assert.deepEqual(decoded, { type: 'X', clientIp: '', headers: {}, body: '{}' });
});

test('bytes that are no payload are refused with a reason, and readPayload turns that into a marked payload', () => {
  assert.throws(() => decodePayload(Uint8Array.from([0x12, 0x05, 0x1a])), PayloadDecodeError);
  assert.throws(() => decodePayload(Uint8Array.from([0x12, 0xff])), /truncated varint/);
  assert.match(readPayload(Uint8Array.from([0x0b])).invalid ?? '', /unsupported wire type 3/);
});

test('lengths that need two- and three-byte varints are written and read back', () => {
  for (const size of [127, 128, 16_383, 16_384, 300_000]) {
    const payload = { type: 'T'.repeat(size % 200), clientIp: '127.0.0.1', headers: { [`k${size}`]: 'v'.repeat(size % 300) }, body: 'é'.repeat(size / 2) + 'x'.repeat(size % 2) };
    assert.deepEqual(decodePayload(encodePayload(payload)), payload, `size ${size}`);
  }
  // A 128-byte body: Any { value (2) = 0x80 0x01 + bytes } is 131 bytes, so the body field (3) is 0x1a 0x83 0x01.
  const bytes = encodePayload({ type: '', clientIp: '', headers: {}, body: 'b'.repeat(128) });
  assert.deepEqual([...bytes.subarray(0, 7)], [0x12, 0x00, 0x1a, 0x83, 0x01, 0x12, 0x80]);
  assert.equal(bytes.length, 7 + 1 + 128);
});
