import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adoptContainers, UNKNOWN_STATUS_MESSAGE } from './adoption.ts';

const NOW = '2026-01-01T01:00:00Z';

test('a container that was running is lost: terminated as ContainerStatusUnknown (137), restart pending', () => {
  const adopted = adoptContainers([{ name: 'main', image: 'i', containerID: 'skiff://a', restartCount: 2, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }], NOW).get('main')!;
  assert.deepEqual(adopted.record.state, { waiting: { reason: 'ContainerCreating' } });
  assert.deepEqual(adopted.record.lastState, { exitCode: 137, reason: 'ContainerStatusUnknown', message: UNKNOWN_STATUS_MESSAGE, startedAt: '2026-01-01T00:00:00Z', finishedAt: NOW, containerID: 'skiff://a' });
  assert.equal(adopted.record.restartCount, 2);
  assert.equal(adopted.ranBefore, true, 'its next start counts as a restart');
});

test('terminated containers and crash loops keep their state', () => {
  const done = { exitCode: 0, reason: 'Completed', finishedAt: '2026-01-01T00:30:00Z' };
  const adopted = adoptContainers([
    { name: 'init', restartCount: 0, state: { terminated: done } },
    { name: 'loop', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-01-01T00:59:00Z' } } },
    { name: 'never', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
  ], NOW);
  assert.deepEqual(adopted.get('init')!.record.state, { terminated: done });
  assert.equal(adopted.get('init')!.lastFinishedAt, Date.parse(done.finishedAt));
  assert.equal(adopted.get('loop')!.record.restartCount, 4);
  assert.equal(adopted.get('loop')!.lastFinishedAt, Date.parse('2026-01-01T00:59:00Z'));
  assert.equal(adopted.has('never'), false, 'a container that never ran starts fresh');
});
