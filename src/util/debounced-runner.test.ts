import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DebouncedRunner } from './debounced-runner.ts';

const unexpected = (err: unknown) => assert.fail(`unexpected failure: ${String(err)}`);

describe('DebouncedRunner', () => {
  it('folds a burst of changes into one run', async () => {
    let runs = 0;
    const loop = new DebouncedRunner(async () => void runs++, 10_000, unexpected);
    for (let i = 0; i < 5; i++) loop.changed();
    await loop.settled();
    assert.equal(runs, 1);
    await loop.settled();
    assert.equal(runs, 1, 'nothing scheduled: no run');
  });

  it('never overlaps runs: a change during a run is served by the next one', async () => {
    const log: string[] = [];
    let release!: () => void;
    let first = true;
    const loop = new DebouncedRunner(async () => {
      log.push('start');
      if (first) {
        first = false;
        await new Promise<void>((r) => (release = r));
      }
      log.push('end');
    }, 0, unexpected);
    loop.runNow();
    await new Promise<void>((r) => setImmediate(r));
    loop.changed();
    const done = loop.settled();
    release();
    await done;
    assert.deepEqual(log, ['start', 'end', 'start', 'end']);
  });

  it('reports a failed run and keeps running later ones', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new DebouncedRunner(async () => {
      if (++calls === 1) throw new Error('boom');
    }, 0, (err) => errors.push(err));
    loop.runNow();
    loop.runNow();
    await loop.settled();
    assert.equal(calls, 2);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['boom']);
  });

  it('runs nothing after stop, and stop waits for the run under way', async () => {
    let runs = 0;
    let release!: () => void;
    const loop = new DebouncedRunner(async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
    }, 0, unexpected);
    loop.runNow();
    await new Promise<void>((r) => setImmediate(r));
    loop.changed();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise<void>((r) => setImmediate(r));
    assert.equal(stopped, false, 'the run under way is awaited');
    release();
    await stopping;
    loop.changed();
    loop.runNow();
    await loop.settled();
    assert.equal(runs, 1);
  });
});
