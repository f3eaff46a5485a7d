import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Breaker } from './breaker.ts';

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('Breaker', () => {
  it('runs up to maxConcurrency, queues up to queueDepth more, and refuses the rest', async () => {
    const b = new Breaker({ maxConcurrency: 1, queueDepth: 2 });
    const first = b.tryEnter()!;
    const second = b.tryEnter()!;
    const third = b.tryEnter()!;
    assert.equal(b.tryEnter(), undefined);
    assert.equal(b.inFlight, 3);
    assert.equal(await settled(first.ready), true);
    assert.equal(await settled(second.ready), false);
    first.release();
    assert.equal(await settled(second.ready), true);
    assert.equal(await settled(third.ready), false);
    // A waiter that gives up leaves the line; the one behind it is not skipped.
    third.release();
    const fourth = b.tryEnter()!;
    second.release();
    assert.equal(await settled(fourth.ready), true);
    fourth.release();
    fourth.release();
    assert.equal(b.inFlight, 0);
  });

  it('wakes waiters in arrival order', async () => {
    const b = new Breaker({ maxConcurrency: 2, queueDepth: 20 });
    const order: number[] = [];
    const tickets = Array.from({ length: 6 }, (_, i) => {
      const t = b.tryEnter()!;
      void t.ready.then(() => order.push(i));
      return t;
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1]);
    tickets[1]!.release();
    tickets[0]!.release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('rejects a queue depth of 0 as upstream does', () => {
    assert.throws(() => new Breaker({ maxConcurrency: 1, queueDepth: 0 }));
  });
});
