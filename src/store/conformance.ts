/**
 * The one conformance suite every Store implementation must pass (embedded and etcd run it
 * from their own test files). It checks the contract in store/types.ts, not an
 * implementation: absolute revision numbers are never assumed, only their order.
 *
 * Each test works under its own key prefix, so implementations may hand every test the same
 * backing store (etcd shares one server across the suite).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import { isSkiffError, type SkiffError } from '../errors/skiff-error.ts';
import type { ErrorCode } from '../errors/catalog.ts';
import type { Store, StoreEvent } from './types.ts';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const TEST_TIMEOUT_MS = 60_000;

export function runStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    let subject: StoreUnderTest;
    let store: Store;
    let p: string;
    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      p = `/conformance/${randomBytes(4).toString('hex')}/`;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('single keys', () => {
      it('creates, reads back and reports revisions', async () => {
        const before = await store.revision();
        const created = await store.create(`${p}a`, obj('a', { n: 1, nested: { list: [1, 'two', null] } }));
        assert.equal(created.key, `${p}a`);
        assert.ok(created.modRevision > before);
        assert.equal(created.createRevision, created.modRevision);
        const read = await store.get(`${p}a`);
        assert.deepEqual(read, created);
        assert.deepEqual(read?.value, obj('a', { n: 1, nested: { list: [1, 'two', null] } }));
        assert.ok((await store.revision()) >= created.modRevision);
        assert.equal(await store.get(`${p}missing`), undefined);
      });

      it('refuses to create a key that exists', async () => {
        await store.create(`${p}a`, obj('a'));
        await assertSkiffError(store.create(`${p}a`, obj('a', { again: true })), 'SKF_STORE_KEY_EXISTS');
        assert.deepEqual((await store.get(`${p}a`))?.value, obj('a'));
      });

      it('updates, keeping createRevision and bumping modRevision', async () => {
        const created = await store.create(`${p}a`, obj('a', { n: 1 }));
        const updated = await store.update(`${p}a`, obj('a', { n: 2 }));
        assert.ok(updated.modRevision > created.modRevision);
        assert.equal(updated.createRevision, created.createRevision);
        assert.deepEqual(await store.get(`${p}a`), updated);
        await assertSkiffError(store.update(`${p}missing`, obj('missing')), 'SKF_STORE_NOT_FOUND');
      });

      it('checks expectedModRevision on update', async () => {
        const created = await store.create(`${p}a`, obj('a', { n: 1 }));
        const updated = await store.update(`${p}a`, obj('a', { n: 2 }), created.modRevision);
        await assertSkiffError(store.update(`${p}a`, obj('a', { n: 3 }), created.modRevision), 'SKF_STORE_CONFLICT');
        assert.deepEqual((await store.get(`${p}a`))?.value, obj('a', { n: 2 }));
        await store.update(`${p}a`, obj('a', { n: 4 }), updated.modRevision);
        await assertSkiffError(store.update(`${p}missing`, obj('missing'), created.modRevision), 'SKF_STORE_NOT_FOUND');
      });

      it('deletes, returning the last value at the delete revision', async () => {
        const created = await store.create(`${p}a`, obj('a', { n: 1 }));
        const updated = await store.update(`${p}a`, obj('a', { n: 2 }));
        await assertSkiffError(store.delete(`${p}a`, created.modRevision), 'SKF_STORE_CONFLICT');
        const deleted = await store.delete(`${p}a`, updated.modRevision);
        assert.equal(deleted.key, `${p}a`);
        assert.deepEqual(deleted.value, obj('a', { n: 2 }));
        assert.ok(deleted.modRevision > updated.modRevision);
        assert.equal(deleted.createRevision, created.createRevision);
        assert.equal(await store.get(`${p}a`), undefined);
        await assertSkiffError(store.delete(`${p}a`), 'SKF_STORE_NOT_FOUND');
        const recreated = await store.create(`${p}a`, obj('a', { n: 3 }));
        assert.ok(recreated.createRevision > deleted.modRevision);
      });

      it('keeps revision() monotonic and at least every acknowledged write', async () => {
        let last = await store.revision();
        for (let i = 0; i < 5; i++) {
          const written = await store.create(`${p}k${i}`, obj(`k${i}`));
          const now = await store.revision();
          assert.ok(written.modRevision > last, 'a write gets a revision above everything before it');
          assert.ok(now >= written.modRevision);
          last = now;
        }
      });
    });

    describe('lists', () => {
      it('lists a prefix in key order, and only that prefix', async () => {
        for (const name of ['m', 'b', 'z', 'a', 'b0', 'y']) await store.create(`${p}x/${name}`, obj(name));
        await store.create(`${p}x`, obj('x-itself'));
        await store.create(`${p}xy/a`, obj('neighbour'));
        const result = await store.list(`${p}x/`);
        assert.deepEqual(result.items.map((item) => item.key), ['a', 'b', 'b0', 'm', 'y', 'z'].map((n) => `${p}x/${n}`));
        assert.equal(result.more, false);
        assert.ok(result.revision >= Math.max(...result.items.map((item) => item.modRevision)));
        assert.deepEqual((await store.list(`${p}none/`)).items, []);
      });

      it('pages with limit and startAfter, reporting more and remaining', async () => {
        const names = Array.from({ length: 7 }, (_, i) => `k${i}`);
        for (const name of names) await store.create(`${p}${name}`, obj(name));
        const first = await store.list(p, { limit: 3 });
        assert.deepEqual(first.items.map((i) => i.key), names.slice(0, 3).map((n) => p + n));
        assert.equal(first.more, true);
        if (first.remaining !== undefined) assert.equal(first.remaining, 4);
        const second = await store.list(p, { limit: 3, startAfter: first.items[2]!.key, revision: first.revision });
        assert.deepEqual(second.items.map((i) => i.key), names.slice(3, 6).map((n) => p + n));
        assert.equal(second.more, true);
        if (second.remaining !== undefined) assert.equal(second.remaining, 1);
        const third = await store.list(p, { limit: 3, startAfter: second.items[2]!.key, revision: first.revision });
        assert.deepEqual(third.items.map((i) => i.key), [p + 'k6']);
        assert.equal(third.more, false);
        const exact = await store.list(p, { limit: 7 });
        assert.equal(exact.items.length, 7);
        assert.equal(exact.more, false);
      });

      it('reads an older revision', async () => {
        await store.create(`${p}a`, obj('a', { v: 1 }));
        const b = await store.create(`${p}b`, obj('b', { v: 1 }));
        const then = await store.list(p);
        await store.update(`${p}a`, obj('a', { v: 2 }));
        await store.delete(`${p}b`);
        await store.create(`${p}c`, obj('c', { v: 1 }));
        await store.create(`${p}0`, obj('0', { v: 1 }));

        const old = await store.list(p, { revision: then.revision });
        assert.equal(old.revision, then.revision);
        assert.deepEqual(old.items, then.items);
        assert.deepEqual(old.items[1], b);
        const oldPage = await store.list(p, { revision: then.revision, limit: 1, startAfter: `${p}a` });
        assert.deepEqual(oldPage.items.map((i) => i.key), [`${p}b`]);
        assert.equal(oldPage.more, false);

        const now = await store.list(p);
        assert.deepEqual(now.items.map((i) => [i.key, i.value['v']]), [[`${p}0`, 1], [`${p}a`, 2], [`${p}c`, 1]]);
      });

      it('refuses a revision newer than the store', async () => {
        await store.create(`${p}a`, obj('a'));
        const now = await store.revision();
        await assertSkiffError(store.list(p, { revision: now + 1000 }), 'SKF_STORE_FUTURE_REVISION');
      });
    });

    describe('watches', () => {
      it('delivers puts and deletes in revision order, then live events', async () => {
        const start = await store.revision();
        const a1 = await store.create(`${p}a`, obj('a', { v: 1 }));
        const a2 = await store.update(`${p}a`, obj('a', { v: 2 }));
        await store.create(`${p}zz/other`, obj('other'));
        const gone = await store.delete(`${p}a`);
        const recorder = new Recorder();
        const handle = await store.watch(p, start, recorder);
        try {
          const b = await store.create(`${p}b`, obj('b'));
          const events = await recorder.until(5);
          assert.deepEqual(events.map((e) => [e.type, e.key, e.modRevision]), [
            ['put', `${p}a`, a1.modRevision],
            ['put', `${p}a`, a2.modRevision],
            ['put', `${p}zz/other`, events[2]!.modRevision],
            ['delete', `${p}a`, gone.modRevision],
            ['put', `${p}b`, b.modRevision],
          ]);
          assertStrictlyIncreasing(events.map((e) => e.modRevision));
          assert.equal(events[0]!.prevValue, undefined);
          assert.deepEqual(events[1]!.value, obj('a', { v: 2 }));
          assert.deepEqual(events[1]!.prevValue, obj('a', { v: 1 }));
          assert.equal(events[1]!.createRevision, a1.createRevision);
          assert.deepEqual(events[3]!.value, obj('a', { v: 2 }), 'a delete carries the value just before it');
          assert.equal(events[3]!.createRevision, a1.createRevision);
        } finally {
          handle.cancel();
        }
      });

      it('resumes from any revision without gaps or duplicates', async () => {
        const start = await store.revision();
        const written: number[] = [];
        for (let i = 0; i < 10; i++) written.push((await store.create(`${p}k${i}`, obj(`k${i}`))).modRevision);
        for (const resumeAt of [start, written[0]!, written[4]!, written[9]!]) {
          const recorder = new Recorder();
          const handle = await store.watch(p, resumeAt, recorder);
          try {
            // A live write after the watch started, so the watch must bridge replay and live.
            written.push((await store.create(`${p}marker-${resumeAt}`, obj('marker'))).modRevision);
            const expected = written.filter((r) => r > resumeAt);
            const events = await recorder.until(expected.length);
            assert.deepEqual(events.map((e) => e.modRevision), expected);
          } finally {
            handle.cancel();
          }
        }
      });

      it('only shows keys under the watched prefix', async () => {
        const start = await store.revision();
        const recorder = new Recorder();
        const handle = await store.watch(`${p}in/`, start, recorder);
        try {
          await store.create(`${p}out/a`, obj('a'));
          await store.create(`${p}inx`, obj('inx'));
          const inside = await store.create(`${p}in/a`, obj('a'));
          const events = await recorder.until(1);
          assert.deepEqual(events.map((e) => e.modRevision), [inside.modRevision]);
        } finally {
          handle.cancel();
        }
      });
    });

    describe('compaction', () => {
      it('drops history: older watches and lists fail with SKF_STORE_COMPACTED', async () => {
        const writes: number[] = [];
        for (let i = 0; i < 6; i++) writes.push((await store.create(`${p}k${i}`, obj(`k${i}`))).modRevision);
        const at = writes[3]!;
        await store.compact(at);
        assert.equal(await store.compactedRevision(), at);
        await store.compact(writes[1]!); // compacting an already compacted revision is a no-op
        assert.equal(await store.compactedRevision(), at);

        const watchError = await assertSkiffError(store.watch(p, at - 1, new Recorder()), 'SKF_STORE_COMPACTED');
        assert.equal(watchError.details?.['compactRevision'], at);
        const listError = await assertSkiffError(store.list(p, { revision: at - 1 }), 'SKF_STORE_COMPACTED');
        assert.equal(listError.details?.['compactRevision'], at);

        const still = await store.list(p, { revision: at });
        assert.deepEqual(still.items.map((i) => i.key), [0, 1, 2, 3].map((i) => `${p}k${i}`));
        const recorder = new Recorder();
        const handle = await store.watch(p, at, recorder);
        try {
          const events = await recorder.until(2);
          assert.deepEqual(events.map((e) => e.modRevision), writes.slice(4));
        } finally {
          handle.cancel();
        }
      });
    });

    describe('concurrent writers', () => {
      const WRITERS = 32;
      const UPDATES = 10;

      it('loses no update on one key under expectedModRevision', async () => {
        const key = `${p}counter`;
        await store.create(key, obj('counter', { count: 0 }));
        const acknowledged: number[] = [];
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: WRITERS }, async () => {
            for (let done = 0; done < UPDATES; ) {
              const current = (await store.get(key))!;
              const count = current.value['count'] as number;
              try {
                const written = await store.update(key, obj('counter', { count: count + 1 }), current.modRevision);
                acknowledged.push(written.modRevision);
                done++;
              } catch (error) {
                if (!isSkiffError(error, 'SKF_STORE_CONFLICT')) throw error;
                conflicts++;
              }
            }
          }),
        );
        const final = (await store.get(key))!;
        assert.equal(final.value['count'], WRITERS * UPDATES, `every acknowledged increment counts (${conflicts} conflicts retried)`);
        assert.equal(new Set(acknowledged).size, acknowledged.length, 'no two writes share a revision');
        assert.equal(final.modRevision, Math.max(...acknowledged));
      });

      it('keeps every acknowledged write on many keys', async () => {
        const revisions: number[][] = [];
        await Promise.all(
          Array.from({ length: WRITERS }, async (_, w) => {
            const mine: number[] = [];
            revisions.push(mine);
            const key = `${p}w${String(w).padStart(2, '0')}`;
            mine.push((await store.create(key, obj(key, { step: 0 }))).modRevision);
            for (let step = 1; step <= UPDATES; step++) mine.push((await store.update(key, obj(key, { step }))).modRevision);
          }),
        );
        const all = revisions.flat();
        assert.equal(new Set(all).size, all.length, 'no two writes share a revision');
        for (const mine of revisions) assertStrictlyIncreasing(mine);
        const listed = await store.list(p);
        assert.equal(listed.items.length, WRITERS);
        for (const item of listed.items) assert.equal(item.value['step'], UPDATES);
        assert.ok(listed.revision >= Math.max(...all));
      });
    });
  });
}

function obj(name: string, data: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, ...data };
}

async function assertSkiffError(promise: Promise<unknown>, code: ErrorCode): Promise<SkiffError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isSkiffError(error, code), `expected ${code}, got ${String((error as { code?: string }).code)}: ${(error as Error).message}`);
    return error;
  }
  assert.fail(`expected ${code}, but the operation succeeded`);
}

function assertStrictlyIncreasing(revisions: number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    assert.ok(revisions[i]! > revisions[i - 1]!, `revision ${revisions[i]} follows ${revisions[i - 1]}`);
  }
}

/** Collects a watch's events and lets a test wait for a count of them (no sleeps). */
class Recorder {
  readonly events: StoreEvent[] = [];
  private error: Error | undefined;
  private waiters: { count: number; resolve(events: StoreEvent[]): void; reject(error: Error): void }[] = [];

  onEvents = (events: StoreEvent[]): void => {
    this.events.push(...events);
    this.settle();
  };

  onError = (error: Error): void => {
    this.error = error;
    this.settle();
  };

  until(count: number): Promise<StoreEvent[]> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ count, resolve, reject });
      this.settle();
    });
  }

  private settle(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.events.length >= waiter.count) waiter.resolve(this.events.slice());
      else if (this.error !== undefined) waiter.reject(this.error);
      else return true;
      return false;
    });
  }
}
