import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pino, { type DestinationStream, type Logger } from 'pino';
import { createServer } from './app.js';
import { resolveOptions } from './config/options.js';
import { replyV1Error } from './transports/http/reply-errors.js';
import { maskSecrets } from '@cairn/core';
import { createLogger } from './logging.js';

const SECRETS = ['s3cr3t', 't0k3n'];

/** A pino destination that keeps every line in memory. */
function capture(): DestinationStream & { text(): string; lines(): any[] } {
  const chunks: string[] = [];
  return {
    write(chunk: string) {
      chunks.push(chunk);
    },
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('maskSecrets', () => {
  test('masks secret parameters in URLs, form bodies and free text, and nothing else', () => {
    assert.equal(maskSecrets('/nacos/v1/ns/instance/list?serviceName=a&username=nacos&password=pw%26x&pageNo=1'), '/nacos/v1/ns/instance/list?serviceName=a&username=nacos&password=***&pageNo=1');
    assert.equal(maskSecrets('accessToken=eyJ.a.b'), 'accessToken=***');
    assert.equal(maskSecrets('?Password=a&ACCESSTOKEN=b&newPassword=c&pwd=d'), '?Password=***&ACCESSTOKEN=***&newPassword=***&pwd=***');
    assert.equal(maskSecrets('?p%61ssword=a'), '?p%61ssword=***');
    assert.equal(maskSecrets('login failed for url /x?password=hunter2 from 10.0.0.1'), 'login failed for url /x?password=*** from 10.0.0.1');
    assert.equal(maskSecrets('?passwordHint=a&password_x=b&ip=1.2.3.4'), '?passwordHint=a&password_x=b&ip=1.2.3.4');
    assert.equal(maskSecrets('/nacos/v1/ns/instance'), '/nacos/v1/ns/instance');
    const checker = JSON.stringify({ type: 'MYSQL', user: 'root', pwd: 'hunter2', cmd: 'select 1' });
    assert.equal(maskSecrets(`/nacos/v1/ns/cluster?healthChecker=${encodeURIComponent(checker)}&checkPort=3306`), `/nacos/v1/ns/cluster?healthChecker=${encodeURIComponent(checker).replace('hunter2', '***')}&checkPort=3306`);
    assert.equal(maskSecrets(`bad checker ${checker}`), `bad checker ${checker.replace('hunter2', '***')}`);
  });

  test('the server logger masks secret fields and secrets inside messages and errors', () => {
    const sink = capture();
    const log = createLogger('info', sink);
    log.info({ password: 's3cr3t', user: { accessToken: 't0k3n' } }, 'fields');
    log.info('message quoting /x?accessToken=t0k3n');
    log.error({ err: new Error('upstream refused /y?password=s3cr3t') }, 'failed');
    const lines = sink.lines();
    assert.equal(lines.length, 3);
    assert.equal(lines[0].password, '***');
    assert.equal(lines[0].user.accessToken, '***');
    assert.equal(lines[1].msg, 'message quoting /x?accessToken=***');
    assert.equal(lines[2].err.message, 'upstream refused /y?password=***');
    for (const secret of SECRETS) assert.ok(!sink.text().includes(secret), secret);
  });
});

/**
 * A real server at debug level, with the loggers it can be given: the one `cairn start` builds, and a plain pino
 * logger, which has none of our serializers, so the server's own log lines must redact by themselves.
 */
const LOGGERS: [string, (sink: DestinationStream) => Logger][] = [
  ['the server logger', (sink) => createLogger('debug', sink)],
  ['a plain pino logger', (sink) => pino({ level: 'debug' }, sink)],
];

for (const [name, makeLogger] of LOGGERS) {
  test(`no password or accessToken reaches the log, with ${name}`, async () => {
    const sink = capture();
    const options = resolveOptions({ port: 0, host: '127.0.0.1', logLevel: 'debug', dataDir: mkdtempSync(join(tmpdir(), 'cairn-log-test-')) });
    const server = await createServer({ options, logger: makeLogger(sink) });
    // No public route fails with a 500 on purpose; this one does, behind the same error handler as the v1 routes.
    await server.app.register(async (scope) => {
      scope.setErrorHandler(replyV1Error);
      scope.get('/nacos/v1/test/boom', async () => {
        throw new Error('the store is gone');
      });
    });
    const base = await server.listen();
    try {
      const secretQuery = 'username=nacos&password=s3cr3t&accessToken=t0k3n';
      const form = { username: 'nacos', password: 's3cr3t', accessToken: 't0k3n' };
      const send = async (method: string, path: string, body?: string, type = 'application/x-www-form-urlencoded') => {
        const res = await fetch(`${base}${path}`, { method, body, headers: body === undefined ? {} : { 'content-type': type } });
        await res.text();
        return res.status;
      };
      assert.equal(await send('GET', `/v1/ns/instance/list?serviceName=orders&${secretQuery}`), 200);
      assert.equal(await send('POST', `/v1/ns/instance?${secretQuery}`, new URLSearchParams({ ...form, serviceName: 'orders', ip: '10.0.0.1', port: '8080' }).toString()), 200);
      assert.equal(await send('PUT', '/v1/ns/instance/beat', new URLSearchParams({ ...form, serviceName: 'orders', ip: '10.0.0.1', port: '8080' }).toString()), 200);
      // Client mistakes: a bad port (v1 text error), a bad cause (v2 JSON error), a broken JSON body.
      assert.equal(await send('POST', `/v1/ns/instance?p%61ssword=s3cr3t&accessToken=t0k3n`, new URLSearchParams({ ...form, serviceName: 'orders', ip: '10.0.0.1', port: 'eighty' }).toString()), 400);
      assert.equal(await send('GET', `/v1/cairn/events?cause=NOPE&${secretQuery}`), 400);
      assert.equal(await send('POST', `/v1/ns/instance?${secretQuery}`, '{"password":"s3cr3t",', 'application/json'), 400);
      // A server error, which is logged at error level with the URL.
      assert.equal(await send('GET', `/v1/test/boom?${secretQuery}`), 500);
    } finally {
      await server.close();
    }

    const lines = sink.lines();
    const clientErrors = lines.filter((l) => l.msg === 'client error');
    assert.equal(clientErrors.length, 3, sink.text());
    assert.ok(clientErrors.every((l) => l.level === 20 && l.status === 400));
    assert.ok(
      clientErrors.some((l) => l.url === '/nacos/v1/ns/instance?p%61ssword=***&accessToken=***' && /'port'/.test(l.detail)),
      sink.text(),
    );
    assert.ok(clientErrors.some((l) => l.url.startsWith('/nacos/v1/cairn/events?cause=NOPE&username=nacos&password=***&accessToken=***')));
    const failure = lines.find((l) => l.msg === 'request failed');
    assert.ok(failure, sink.text());
    assert.equal(failure.level, 50);
    assert.equal(failure.url, '/nacos/v1/test/boom?username=nacos&password=***&accessToken=***');
    assert.equal(failure.err.message, 'the store is gone');
    for (const secret of SECRETS) assert.ok(!sink.text().includes(secret), `'${secret}' appears in the log:\n${sink.text()}`);
  });
}
