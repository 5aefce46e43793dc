import assert from 'node:assert/strict';
import { decodePayload } from '@cairn/api';
import { test } from 'node:test';
import { ServerRequests } from './grpc-wire.js';

test('a body pushed to many receivers is encoded once under one id; a second send to one of them takes a fresh id', () => {
  const requests = new ServerRequests();
  const body = { serviceInfo: { name: 'orders', hosts: [] } };
  const [a, b] = [{}, {}];
  const toA = requests.encode('NotifySubscriberRequest', body, a);
  const toB = requests.encode('NotifySubscriberRequest', body, b);
  assert.equal(toB.bytes, toA.bytes, 'the very same bytes');
  assert.equal(toB.requestId, toA.requestId);
  const retry = requests.encode('NotifySubscriberRequest', body, a);
  assert.notEqual(retry.requestId, toA.requestId);
  const sent = decodePayload(retry.bytes);
  assert.equal(sent.type, 'NotifySubscriberRequest');
  assert.deepEqual(JSON.parse(sent.body), { headers: {}, serviceInfo: body.serviceInfo, requestId: retry.requestId });
  const other = requests.encode('NotifySubscriberRequest', { ...body }, a);
  assert.notEqual(other.requestId, toA.requestId, 'another body, another id');
});
