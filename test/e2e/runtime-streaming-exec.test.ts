/**
 * `kubectl exec` over WebSocket (v5.channel.k8s.io) through the API server's upgrade proxy
 * and the kubelet server, with commands run by the host shell (test/support/streaming-harness.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/api/object.ts';
import { startStreamingHarness, type HarnessPod, type StreamingHarness } from '../support/streaming-harness.ts';

let h: StreamingHarness;
let pod: HarnessPod;
before(async () => {
  h = await startStreamingHarness();
  const manifest: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'busybox' }] } };
  pod = await h.addPod(manifest);
  pod.setRunning('main', true);
});
after(async () => {
  await h.stop();
});

test('exec relays stdout and stderr and exits 0', async () => {
  const result = await h.kubectl(['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'out\n');
  assert.match(result.stderr, /^err\n/);
});

test('exec reports the exit code of the command as kubectl does', async () => {
  const result = await h.kubectl(['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo partial; exit 3']);
  assert.equal(result.code, 3);
  assert.equal(result.stdout, 'partial\n');
  assert.match(result.stderr, /command terminated with exit code 3/);
});

test('exec -i passes stdin and its end of file', async () => {
  const result = await h.kubectl(['exec', '-i', 'box', '-c', 'main', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { stdin: 'hello\nworld\n' });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'HELLO\nWORLD\ndone\n');
});

test('exec -it without a terminal runs without tty; a missing command or container is an error', async () => {
  const tty = await h.kubectl(['exec', '-it', 'box', '-c', 'main', '--', 'sh', '-c', 'cat'], { stdin: 'typed\n' });
  assert.equal(tty.code, 0, tty.stderr);
  assert.equal(tty.stdout, 'typed\n');
  assert.match(tty.stderr, /Unable to use a TTY/);

  const missing = await h.kubectl(['exec', 'box', '-c', 'main', '--', 'no-such-program-skiff']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /no-such-program-skiff/);

  const notRunning = await h.kubectl(['exec', 'box', '-c', 'side', '--', 'true']);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /container not found \("side"\)/);

  const invalid = await h.kubectl(['exec', 'box', '-c', 'nope', '--', 'true']);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /container nope is not valid for pod box/);
});

test('exec -it at a terminal runs the command on a pseudo-terminal and keeps its exit code', async () => {
  // kubectl only asks for a tty when its own stdin is a terminal: give it one with script.
  const inner = "kubectl exec -it box -c main -- sh -c 'test -t 0 && test -t 1 && echo on-a-tty; exit 7'";
  const child = spawn('script', ['--quiet', '--return', '--command', inner, '/dev/null'], { env: { ...process.env, KUBECONFIG: h.kubectl.kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.match(out, /on-a-tty/);
  assert.match(out, /command terminated with exit code 7/);
  assert.equal(code, 7);
});

test('exec over SPDY/3.1 (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): streams, stdin EOF, exit codes', async () => {
  const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
  const plain = await h.kubectl(['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2; exit 5'], { env });
  assert.equal(plain.code, 5);
  assert.equal(plain.stdout, 'out\n');
  assert.match(plain.stderr, /err\n[\s\S]*command terminated with exit code 5/);
  const piped = await h.kubectl(['exec', '-i', 'box', '-c', 'main', '--', 'sh', '-c', 'tr a-z A-Z'], { env, stdin: 'spdy\n' });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, 'SPDY\n');
});
