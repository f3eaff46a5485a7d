import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextBookmarkDelay } from './watch-service.ts';

describe('nextBookmarkDelay', () => {
  it('sends a bookmark every interval while the deadline is far', () => {
    assert.equal(nextBookmarkDelay(1_000, 1_000 + 3_600_000, 60_000), 60_000);
    assert.equal(nextBookmarkDelay(1_000, undefined, 60_000), 60_000);
  });

  it('sends one 2 s before the deadline when that comes first', () => {
    assert.equal(nextBookmarkDelay(1_000, 1_000 + 5_000, 60_000), 3_000);
  });

  it('sends none once that moment has come', () => {
    assert.equal(nextBookmarkDelay(4_000, 1_000 + 5_000, 60_000), undefined);
    assert.equal(nextBookmarkDelay(5_000, 1_000 + 5_000, 60_000), undefined);
  });
});
