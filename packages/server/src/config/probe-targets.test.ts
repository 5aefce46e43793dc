import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionsError, resolveOptions } from './options.js';
import { parseProbeTargets, probeTargetCheck } from './probe-targets.js';

test('--probe-targets reads networks with optional ports, IPv6 in brackets or bare', () => {
  const parsed = parseProbeTargets(' 127.0.0.0/8, 10.0.0.0/8@8080-8090 ,[::1]@80,[fd00::]/8@9000,::2,,');
  assert.ok(!('bad' in parsed));
  assert.deepEqual(parsed.entries, ['127.0.0.0/8', '10.0.0.0/8@8080-8090', '[::1]@80', '[fd00::]/8@9000', '::2']);
  assert.deepEqual(resolveOptions({}, ['--probe-targets', '127.0.0.1@80']).probeTargets, '127.0.0.1@80');
  assert.equal(resolveOptions({}, [], { CAIRN_PROBE_TARGETS: '127.0.0.0/8' }).probeTargets, '127.0.0.0/8');
  assert.equal(resolveOptions().probeTargets, '');
});

test('a bad --probe-targets entry stops the start, naming the entry and what is wrong with it', () => {
  for (const [raw, why] of [
    ['10.0.0.0/33', /IP address or CIDR/],
    ['localhost', /IP address or CIDR/],
    ['127.0.0.1@0', /port \(1 to 65535\)/],
    ['127.0.0.1@90-80', /low-high/],
    ['127.0.0.1@70000', /port/],
    ['127.0.0.1@http', /port/],
    ['::1@80@81', /IP address or CIDR/],
  ] as const) {
    assert.throws(
      () => resolveOptions({}, ['--probe-targets', `127.0.0.1,${raw}`]),
      (e: Error) => e instanceof OptionsError && e.message.includes(`'${raw}'`) && why.test(e.message),
      raw,
    );
  }
});

test('a target is allowed when an entry holds its address and port; an empty list allows all', () => {
  assert.equal(probeTargetCheck(''), undefined);
  const check = probeTargetCheck('127.0.0.0/8@8080-8090,[::1]@80,127.0.0.9')!;
  assert.equal(check('127.1.2.3', 8080), undefined);
  assert.equal(check('127.1.2.3', 8090), undefined);
  assert.equal(check('::ffff:127.0.0.1', 8085), undefined, 'an IPv4-mapped address counts as its IPv4 address');
  assert.equal(check('::1', 80), undefined);
  assert.equal(check('127.0.0.9', 22), undefined, 'an entry without ports allows every port');
  assert.match(check('127.1.2.3', 8091) ?? '', /outside the probe targets the operator allows \(--probe-targets 127\.0\.0\.0\/8@8080-8090,\[::1\]@80,127\.0\.0\.9\)/);
  assert.notEqual(check('::1', 81), undefined);
  assert.notEqual(check('10.0.0.1', 8080), undefined);
  assert.notEqual(check('::2', 80), undefined);
});
