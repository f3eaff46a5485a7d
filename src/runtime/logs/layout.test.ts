import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { containerLogDir, containerLogPath, currentAndPreviousLogs, formatLogRecord, formatLogTimestamp, loggedInstances, parseLogRecord } from './layout.ts';

const pod = { namespace: 'default', name: 'web-1', uid: '1234-abcd' };

test('log paths follow the kubelet layout', () => {
  assert.equal(containerLogPath('/d/pod-logs', pod, 'main', 3), '/d/pod-logs/default_web-1_1234-abcd/main/3.log');
});

test('timestamps have nine fractional digits', () => {
  const t = new Date('2026-11-23T07:32:49.401Z');
  assert.equal(formatLogTimestamp(t), '2026-11-23T07:32:49.401000000Z');
  assert.equal(formatLogTimestamp(t, 123456), '2026-11-23T07:32:49.401123456Z');
  assert.equal(formatLogTimestamp(new Date('2026-01-01T00:00:00Z')), '2026-01-01T00:00:00.000000000Z');
});

test('records round-trip, including empty and partial lines', () => {
  for (const record of [
    { timestamp: '2026-11-23T07:32:49.401000000Z', stream: 'stdout' as const, partial: false, content: 'Hello World!' },
    { timestamp: '2026-11-23T07:32:49.401000000Z', stream: 'stderr' as const, partial: true, content: 'a b  c' },
    { timestamp: '2026-11-23T07:32:49.401000000Z', stream: 'stdout' as const, partial: false, content: '' },
  ]) {
    const line = formatLogRecord(record);
    assert.ok(line.endsWith('\n'));
    assert.deepEqual(parseLogRecord(line.slice(0, -1)), record);
  }
  assert.equal(parseLogRecord('garbage'), undefined);
});

test('current and previous instances are the two newest files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
  try {
    assert.deepEqual(await currentAndPreviousLogs(root, pod, 'main'), {});
    const dir = containerLogDir(root, pod, 'main');
    mkdirSync(dir, { recursive: true });
    for (const n of [0, 10, 9, 'notes']) writeFileSync(join(dir, `${n}.log`), '');
    assert.deepEqual(await loggedInstances(root, pod, 'main'), [0, 9, 10]);
    assert.deepEqual(await currentAndPreviousLogs(root, pod, 'main'), {
      current: containerLogPath(root, pod, 'main', 10),
      previous: containerLogPath(root, pod, 'main', 9),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a container ID finds its instance', async () => {
  const { containerIdPath, logPathForContainerID } = await import('./layout.ts');
  const root = mkdtempSync(join(tmpdir(), 'skiff-logs-'));
  try {
    mkdirSync(containerLogDir(root, pod, 'main'), { recursive: true });
    for (const n of [3, 4]) {
      writeFileSync(containerLogPath(root, pod, 'main', n), '');
      writeFileSync(containerIdPath(root, pod, 'main', n), `skiff://id-${n}\n`);
    }
    assert.equal(await logPathForContainerID(root, pod, 'main', 'skiff://id-3'), containerLogPath(root, pod, 'main', 3));
    assert.equal(await logPathForContainerID(root, pod, 'main', 'skiff://other'), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
