import { CAUSES } from '@cairn/core';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';
import { parseSamples, sampleKey as key } from '../../../testing/prometheus-samples.js';

describe('GET /nacos/actuator/prometheus', () => {
  let ts: TestServer;
  let udp: Socket;

  async function scrape(): Promise<{ text: string; value: (name: string, labels?: Record<string, string>) => number | undefined }> {
    const res = await fetch(`${ts.url}/actuator/prometheus`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parseSamples(text);
    return { text, value: (name, labels) => samples.get(key(name, labels)) };
  }

  async function ok(method: string, path: string, body?: Record<string, string>): Promise<void> {
    const res = await call(ts.url, method, path, body);
    assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
  }

  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await ts.close();
    udp.close();
  });

  test('is served under the context path with every Cairn metric', async () => {
    const { text, value } = await scrape();
    for (const name of [
      'cairn_instances',
      'cairn_services',
      'cairn_beats_total',
      'cairn_list_queries_total',
      'cairn_journal_events_total',
      'cairn_journal_size',
      'cairn_http_request_duration_seconds',
      'cairn_services_protect_threshold_reached',
      'cairn_push_subscribers',
      'cairn_service_subscribers',
      'cairn_push_packets_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    // Every cause is exported from zero, so a rate() over a cause that never happened is 0, not absent.
    for (const cause of Object.keys(CAUSES)) assert.equal(value('cairn_journal_events_total', { cause }), 0, cause);
    assert.equal(value('cairn_beats_total'), 0);
  });

  test('counts beats, instances by state, services, protect-threshold trips and push subscribers', async () => {
    await ok('POST', '/v1/ns/service', { serviceName: 'guarded', protectThreshold: '0.6' });
    await ok('POST', '/v1/ns/instance', { serviceName: 'guarded', ip: '10.0.0.1', port: '8080' });
    await ok('POST', '/v1/ns/instance', { serviceName: 'guarded', ip: '10.0.0.2', port: '8080' });
    await ok('POST', '/v1/ns/instance', { serviceName: 'other', ip: '10.0.0.3', port: '8080' });
    await ok('PUT', '/v1/ns/instance', { serviceName: 'other', ip: '10.0.0.3', port: '8080', enabled: 'false' });
    ts.time!.advance(10_000);
    await ok('PUT', '/v1/ns/instance/beat?serviceName=guarded&ip=10.0.0.1&port=8080');
    ts.time!.advance(6_000); // 10.0.0.2 and 10.0.0.3 pass their 15 s timeout; the guarded service is 1/2 healthy
    await ok('GET', `/v1/ns/instance/list?serviceName=guarded&udpPort=${udp.address().port}&clientIP=127.0.0.1`);

    const { value } = await scrape();
    assert.equal(value('cairn_beats_total'), 1);
    assert.equal(value('cairn_instances', { kind: 'ephemeral', state: 'healthy' }), 1);
    assert.equal(value('cairn_instances', { kind: 'ephemeral', state: 'unhealthy' }), 1);
    assert.equal(value('cairn_instances', { kind: 'ephemeral', state: 'disabled' }), 1);
    assert.equal(value('cairn_instances', { kind: 'persistent', state: 'healthy' }), 0);
    assert.equal(value('cairn_services'), 2);
    assert.equal(value('cairn_services_protect_threshold_reached'), 1);
    assert.equal(value('cairn_journal_events_total', { cause: 'PROTECT_THRESHOLD_REACHED' }), 1);
    assert.equal(value('cairn_journal_events_total', { cause: 'INSTANCE_REGISTERED' }), 3);
    assert.equal(value('cairn_journal_events_total', { cause: 'BEAT_MISSED' }), 2);
    assert.equal(value('cairn_push_subscribers'), 1);
    assert.equal(value('cairn_service_subscribers', { namespace: 'public', group: 'DEFAULT_GROUP', service: 'guarded' }), 1);
    assert.equal(value('cairn_service_subscribers', { namespace: 'public', group: 'DEFAULT_GROUP', service: 'other' }), undefined, 'nobody subscribed to it');
    assert.equal(value('cairn_list_queries_total'), 1);
    const byCause = Object.keys(CAUSES).reduce((sum, cause) => sum + (value('cairn_journal_events_total', { cause }) ?? 0), 0);
    assert.equal(value('cairn_journal_size'), byCause);
    assert.equal(byCause, 8); // service created, 3 registered, 1 edited, 2 beats missed, 1 threshold reached
    const registrations = value('cairn_http_request_duration_seconds_count', { method: 'POST', route: '/nacos/v1/ns/instance', status: '200' });
    assert.equal(registrations, 3);

    await ok('PUT', '/v1/ns/instance/beat?serviceName=guarded&ip=10.0.0.2&port=8080');
    const later = await scrape();
    assert.equal(later.value('cairn_beats_total'), 2);
    assert.equal(later.value('cairn_services_protect_threshold_reached'), 0);
    assert.equal(later.value('cairn_journal_events_total', { cause: 'PROTECT_THRESHOLD_CLEARED' }), 1);
  });
});
