/**
 * `kubectl logs` through the API server's pods/log proxy and the kubelet server, against
 * container log files in the CRI format (test/support/streaming-harness.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.ts';
import { startStreamingHarness, type StreamingHarness } from '../support/streaming-harness.ts';

let h: StreamingHarness;
before(async () => {
  h = await startStreamingHarness();
});
after(async () => {
  await h.stop();
});

function podManifest(name: string, containers: string[], labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
  };
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}

test('logs prints the current instance; --tail, --timestamps, --since, --limit-bytes', async () => {
  const pod = await h.addPod(podManifest('web', ['main']));
  const old = new Date(Date.now() - 3_600_000);
  await pod.log('main', 0, [
    { content: 'one', time: old },
    { content: 'two', time: old, stream: 'stderr' },
    { content: 'thr', partial: true },
    { content: 'ee' },
  ]);
  assert.equal(await h.kubectl.ok(['logs', 'web']), 'one\ntwo\nthree\n');
  assert.equal(await h.kubectl.ok(['logs', 'web', '--tail=1']), 'three\n');
  assert.equal(await h.kubectl.ok(['logs', 'web', '--since=10m']), 'three\n');
  assert.equal(await h.kubectl.ok(['logs', 'web', '--limit-bytes=6']), 'one\ntw');
  const stamped = await h.kubectl.ok(['logs', 'web', '--timestamps', '--tail=2']);
  assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z two\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\n$/);
});

test('logs --previous and -c pick the instance and the container; errors as a cluster gives them', async () => {
  const pod = await h.addPod(podManifest('multi', ['main', 'side']));
  await pod.log('main', 0, [{ content: 'first run' }]);
  await pod.log('main', 1, [{ content: 'second run' }]);
  await pod.log('side', 0, [{ content: 'sidecar' }]);
  assert.equal(await h.kubectl.ok(['logs', 'multi', '-c', 'main']), 'second run\n');
  assert.equal(await h.kubectl.ok(['logs', 'multi', '-c', 'main', '--previous']), 'first run\n');
  const defaulted = await h.kubectl(['logs', 'multi']);
  assert.equal(defaulted.code, 0);
  assert.equal(defaulted.stdout, 'second run\n');
  assert.match(defaulted.stderr, /Defaulted container "main" out of: main, side/);
  assert.equal(await h.kubectl.ok(['logs', 'multi', '-c', 'side']), 'sidecar\n');

  const noPrevious = await h.kubectl(['logs', 'multi', '-c', 'side', '-p']);
  assert.equal(noPrevious.code, 1);
  assert.match(noPrevious.stderr, /Error from server \(BadRequest\): previous terminated container "side" in pod "multi" not found/);
  const unknown = await h.kubectl(['logs', 'multi', '-c', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /container nope is not valid for pod multi/);

  await h.addPod(podManifest('waiting', ['main']));
  const waiting = await h.kubectl(['logs', 'waiting']);
  assert.equal(waiting.code, 1);
  assert.match(waiting.stderr, /Error from server \(BadRequest\): container "main" in pod "waiting" is waiting to start: ContainerCreating/);
  const missing = await h.kubectl(['logs', 'absent']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /pods "absent" not found/);
});

test('logs -f streams new lines until the container exits, then kubectl exits 0', async () => {
  const pod = await h.addPod(podManifest('follow', ['main']));
  await pod.log('main', 0, [{ content: 'before' }]);
  pod.setRunning('main', true);
  const seen = h.lookups('follow');
  const running = h.kubectl(['logs', '-f', 'follow']);
  await waitFor(() => h.lookups('follow') > seen);
  await pod.log('main', 0, [{ content: 'after 1' }, { content: 'after 2' }]);
  pod.setRunning('main', false);
  const result = await running;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'before\nafter 1\nafter 2\n');
});

test('logs -l prints every matching pod (tail 10 by default) and logs -l --prefix names them', async () => {
  for (const name of ['lab-a', 'lab-b']) {
    const pod = await h.addPod(podManifest(name, ['main'], { app: 'lab' }));
    await pod.log('main', 0, Array.from({ length: 12 }, (_, i) => ({ content: `${name} ${i}` })));
  }
  const out = await h.kubectl.ok(['logs', '-l', 'app=lab']);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 20);
  assert.ok(lines.includes('lab-a 2') && lines.includes('lab-b 11') && !lines.includes('lab-a 1'));
  const prefixed = await h.kubectl.ok(['logs', '-l', 'app=lab', '--prefix', '--tail=1']);
  assert.deepEqual(prefixed.trimEnd().split('\n').sort(), ['[pod/lab-a/main] lab-a 11', '[pod/lab-b/main] lab-b 11']);
});
