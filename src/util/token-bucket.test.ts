import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('gives the burst at once, then refills at qps', () => {
    let t = 0;
    const bucket = new TokenBucket(50, 3, () => t);
    for (let i = 0; i < 3; i++) void bucket.take();
    assert.ok(bucket.available < 1);
    t += 20; // 50 per second: one token per 20 ms
    assert.ok(Math.abs(bucket.available - 1) < 1e-9);
    t += 1000;
    assert.equal(bucket.available, 3, 'never more than the burst');
  });

  it('serves waiters in order as tokens come back', async () => {
    const bucket = new TokenBucket(200, 1);
    const order: number[] = [];
    const alive = setInterval(() => {}, 1000); // the bucket's timer is unref'd, as a waiting Event must not hold a process
    try {
      await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    } finally {
      clearInterval(alive);
    }
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('refuses a bucket that could never give a token', () => {
    assert.throws(() => new TokenBucket(0, 10), /qps > 0/);
    assert.throws(() => new TokenBucket(5, 0), /burst >= 1/);
  });
});
