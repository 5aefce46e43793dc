import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags, UsageError, type FlagSpec } from './args.js';

const SPECS: FlagSpec[] = [
  { name: 'service', kind: 'string', help: '', required: true },
  { name: 'port', kind: 'int', help: '' },
  { name: 'json', kind: 'bool', help: '' },
  { name: 'ephemeral', kind: 'bool', help: '' },
];

describe('parseFlags', () => {
  it('reads values, = forms, bare switches and switch words', () => {
    assert.deepEqual(parseFlags(['--service', 'orders', '--port=8080', '--json', '--ephemeral', 'false'], SPECS), { service: 'orders', port: 8080, json: true, ephemeral: false });
    assert.deepEqual(parseFlags(['--json=no', '--service=a=b'], SPECS), { json: false, service: 'a=b' });
    // A switch does not swallow a following word that is not true/false.
    assert.throws(() => parseFlags(['--service', 'x', '--json', 'orders'], SPECS), /unexpected argument 'orders'/);
  });

  it('refuses unknown flags, missing values, bad numbers and missing required flags', () => {
    const cases: [string[], RegExp][] = [
      [['--service', 'x', '--colour'], /unknown flag '--colour'/],
      [['--service'], /flag '--service' needs a value/],
      [['--service', 'x', '--port', '80.5'], /'--port' must be an integer, got '80\.5'/],
      [['--service', 'x', '--json=maybe'], /'--json' must be true or false/],
      [['--port', '1'], /flag '--service' is required/],
      [['-s', 'x'], /unexpected argument '-s'/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseFlags(argv, SPECS),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
        argv.join(' '),
      );
    }
  });
});
