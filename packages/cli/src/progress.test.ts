import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('draws the activity on a terminal and erases it when done', async () => {
    let written = '';
    const progress = new Progress({
      write: (t) => {
        written += t;
      },
      isTTY: true,
    });
    const value = await progress.around('checking dns …', async () => 42);
    assert.equal(value, 42);
    assert.match(written, /^\r\x1b\[2K. checking dns …/);
    assert.ok(written.endsWith('\r\x1b[2K'), JSON.stringify(written));
  });

  it('writes nothing when stderr is not a terminal', async () => {
    let written = '';
    const progress = new Progress({
      write: (t) => {
        written += t;
      },
      isTTY: false,
    });
    await progress.around('checking dns …', async () => undefined);
    progress.update('more');
    progress.done();
    assert.equal(written, '');
  });
});
