import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readZip, ZipRefusedError } from './zip-reader.js';
import { writeZip } from './zip-writer.js';

const LIMITS = { maxEntries: 10, maxEntryBytes: () => 100, maxTotalBytes: 250 };

async function refusal(zip: Buffer, limits = LIMITS): Promise<string> {
  try {
    await readZip(zip, limits);
  } catch (error) {
    assert.ok(error instanceof ZipRefusedError, String(error));
    return `${error.reason}: ${error.message}`;
  }
  assert.fail('the zip was read');
}

test('reads the files of a zip as UTF-8, in order', async () => {
  const zip = await writeZip([
    { name: 'G/a.yaml', text: 'a: ü' },
    { name: 'G/b', text: '' },
  ]);
  assert.deepEqual(await readZip(zip, LIMITS), [
    { name: 'G/a.yaml', text: 'a: ü' },
    { name: 'G/b', text: '' },
  ]);
});

test('limits: entries, one entry, the total; checked on the declared sizes', async () => {
  const many = await writeZip(Array.from({ length: 11 }, (_, i) => ({ name: `G/${i}`, text: 'x' })));
  assert.equal(await refusal(many), 'over-limit: the zip has 11 entries, over the maximum of 10');
  assert.equal(await refusal(await writeZip([{ name: 'G/big', text: 'b'.repeat(101) }])), "over-limit: entry 'G/big' unpacks to 101 bytes, over the maximum of 100");
  const total = await writeZip(['a', 'b', 'c'].map((n) => ({ name: `G/${n}`, text: n.repeat(100) })));
  assert.equal(await refusal(total), 'over-limit: the zip unpacks to more than 250 bytes');
  const perName = { ...LIMITS, maxEntryBytes: (name: string) => (name === 'meta' ? 1000 : 10) };
  assert.equal((await readZip(await writeZip([{ name: 'meta', text: 'm'.repeat(500) }]), { ...perName, maxTotalBytes: 1000 }))[0].text.length, 500);
});

test('a zip bomb whose entry claims a small size is stopped after that size, not unpacked', async () => {
  const zip = await writeZip([{ name: 'G/bomb', text: '0'.repeat(20_000_000) }]);
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(50, central + 24);
  assert.match(await refusal(zip), /^malformed: the zip is damaged: too many bytes in the stream/);
});

test('not a zip, or cut short, is malformed', async () => {
  assert.match(await refusal(Buffer.from('hello')), /^malformed: not a zip file/);
  const zip = await writeZip([{ name: 'G/a', text: 'a'.repeat(90) }]);
  assert.match(await refusal(zip.subarray(0, zip.length - 10)), /^malformed: /);
  assert.match(await refusal(zip.subarray(10)), /^malformed: /);
});
