import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryClient } from '../../controllers/serving/ingress/testing/memory-client.ts';
import { silentLogger } from '../../util/log.ts';
import { EventRecorder } from './recorder.ts';

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', name, namespace: 'apps', uid: `uid-${name}` });

describe('EventRecorder rate limit (the kubelet\'s eventRecordQPS / eventBurst)', () => {
  it('writes the burst at once, the rest at the rate, each with the time it happened; flush writes what waits', async () => {
    const memory = new MemoryClient();
    const events = new EventRecorder(memory.asClient(), { component: 'kubelet', host: 'node' }, silentLogger(), undefined, { qps: 20, burst: 3 });
    const alive = setInterval(() => {}, 1000);
    try {
      const start = Date.now();
      for (let i = 0; i < 6; i++) events.event(pod(`p${i}`), 'Normal', 'Scheduled', `pod ${i}`);
      // The burst's writes go as soon as the (idle) loop lets them; the next token is 50 ms away.
      while (memory.writes < 3) await sleep(2);
      assert.equal(memory.writes, 3, 'only the burst is written at once');
      while (memory.writes < 4) await sleep(5);
      assert.ok(Date.now() - start >= 40, 'the next one waited for a token (50 ms at 20 per second)');
      events.event(pod('late'), 'Normal', 'Started', 'late');
      await events.flush();
      assert.equal(memory.writes, 7, 'flush writes everything that waits, whatever the rate');
      const stamps = [...memory.objects.values()].map((e) => (e as unknown as { firstTimestamp: string }).firstTimestamp);
      assert.ok(stamps.every((s) => Date.parse(s) - start < 1000), 'events keep the time they were recorded');
    } finally {
      clearInterval(alive);
    }
  });
});

describe('EventRecorder writer', () => {
  it('writes one event at a time, in the order they were recorded (client-go\'s one sink goroutine)', async () => {
    const memory = new MemoryClient();
    const client = memory.asClient();
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const create: typeof client.create = async (obj, ...rest) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise(setImmediate); // a write takes a turn of the event loop, as a real one does
      order.push((obj as unknown as { message: string }).message);
      try {
        return await client.create(obj, ...rest);
      } finally {
        inFlight--;
      }
    };
    const events = new EventRecorder({ ...client, create }, { component: 'kubelet', host: 'node' }, silentLogger());
    for (let i = 0; i < 5; i++) events.event(pod(`p${i}`), 'Normal', 'Pulled', `pod ${i}`);
    await events.flush();
    assert.equal(most, 1);
    assert.deepEqual(order, ['pod 0', 'pod 1', 'pod 2', 'pod 3', 'pod 4']);
  });
});

describe('EventRecorder under load', () => {
  it('defers Events while the event loop is busy, and flush writes them at once all the same', async () => {
    const memory = new MemoryClient();
    const events = new EventRecorder(memory.asClient(), { component: 'kubelet', host: 'node' }, silentLogger());
    let stop = false;
    // Keeps the loop busy (5 ms spins, a turn in between) until told to stop.
    const load = (async () => {
      while (!stop) {
        const end = performance.now() + 5;
        while (performance.now() < end) { /* spin */ }
        await new Promise(setImmediate);
      }
    })();
    try {
      events.event(pod('busy'), 'Normal', 'Pulled', 'under load');
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(memory.writes, 0, 'the write waits for the loop to have room');
      await events.flush();
      assert.equal(memory.writes, 1);
      assert.equal(stop, false, 'flush did not wait for the load to end');
    } finally {
      stop = true;
      await load;
    }
  });
});
