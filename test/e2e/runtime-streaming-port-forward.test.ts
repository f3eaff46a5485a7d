/**
 * `kubectl port-forward` through the API server's upgrade proxy and the kubelet's SPDY/3.1
 * port forwarding, to a TCP server at the pod's address (test/support/streaming-harness.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { startStreamingHarness, type StreamingHarness } from '../support/streaming-harness.ts';

let h: StreamingHarness;
let echo: Server;
before(async () => {
  h = await startStreamingHarness();
  await h.addPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  await h.stop();
});

/** Starts `kubectl port-forward` and resolves with the local port once it forwards. */
function portForward(args: string[]): Promise<{ child: ChildProcess; localPort: number }> {
  const child = spawn('kubectl', ['port-forward', ...args], { env: { ...process.env, KUBECONFIG: h.kubectl.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, localPort: Number(m[1]) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${err}`)));
  });
}

function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= payload.length) socket.end();
    });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.write(payload);
  });
}

test('port-forward relays TCP connections to the pod, several in a row and a large payload', async () => {
  const remote = (echo.address() as AddressInfo).port;
  const { child, localPort } = await portForward(['pod/web', `:${remote}`]);
  try {
    assert.equal((await roundTrip(localPort, Buffer.from('hello\n'))).toString(), 'hello\n');
    assert.equal((await roundTrip(localPort, Buffer.from('again\n'))).toString(), 'again\n');
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    assert.ok((await roundTrip(localPort, big)).equals(big));
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

test('a connection to a closed port of the pod reports the kubelet error and ends the session', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const child = spawn('kubectl', ['port-forward', 'pod/web', `:${port}`], { env: { ...process.env, KUBECONFIG: h.kubectl.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  // kubectl may exit while the probing connection is still closing: listen for it from the start.
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const localPort = await new Promise<number>((resolve) => child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  }));
  await roundTrip(localPort, Buffer.from('x')).catch(() => Buffer.alloc(0));
  const code = await exited;
  assert.equal(code, 1);
  assert.match(err, new RegExp(`error forwarding port ${port} to pod web, uid [0-9a-f-]+: failed to connect to 127\\.0\\.0\\.1:${port}`));
});
