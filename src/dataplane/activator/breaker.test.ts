import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Breaker, QueueFullError } from './breaker.ts';

test('breaker: holds at capacity 0 and lets waiters through in order when capacity appears', async () => {
  const b = new Breaker(0, 10);
  const order: number[] = [];
  const p1 = b.acquire().then(() => order.push(1));
  const p2 = b.acquire().then(() => order.push(2));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, []);
  assert.equal(b.waiting, 2);
  b.updateCapacity(1);
  await p1;
  assert.deepEqual(order, [1]);
  b.release();
  await p2;
  assert.deepEqual(order, [1, 2]);
  assert.equal(b.inFlight, 1);
});

test('breaker: refuses beyond capacity + queue depth with "pending request queue full"', async () => {
  const b = new Breaker(1, 1);
  await b.acquire();
  const waiting = b.acquire();
  await assert.rejects(b.acquire(), (err: unknown) => err instanceof QueueFullError && err.message === 'pending request queue full');
  b.release();
  await waiting;
});

test('breaker: an aborted waiter leaves the queue; unlimited capacity never waits', async () => {
  const b = new Breaker(0, 5);
  const ac = new AbortController();
  const p = b.acquire(ac.signal);
  ac.abort(new Error('gone'));
  await assert.rejects(p, /gone/);
  assert.equal(b.waiting, 0);
  b.updateCapacity(Infinity);
  for (let i = 0; i < 100; i++) await b.acquire();
  assert.equal(b.inFlight, 100);
});

test('breaker: rejectWaiting fails the queue', async () => {
  const b = new Breaker(0, 5);
  const p = b.acquire();
  b.rejectWaiting(new Error('revision removed'));
  await assert.rejects(p, /revision removed/);
});
