import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import type { ProgramIO } from '../program.ts';
import { knativeComponent } from './program.ts';

interface Reply { status: number; body: string }

const get = (host: string, port: number, path: string, headers: Record<string, string> = {}, tls = false): Promise<Reply> => new Promise((resolve, reject) => {
  const send = tls ? httpsRequest : request;
  const req = send({ host, port, path, headers, agent: false, rejectUnauthorized: false }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  });
  req.on('error', reject);
  req.end();
});

/** grpc.health.v1.Health/Check as the kubelet's grpc probe sends it: the grpc-status trailer and the message bytes. */
const grpcCheck = (host: string, port: number): Promise<{ grpcStatus: string; message: Buffer }> => new Promise((resolve, reject) => {
  const session = connect(`http://${host}:${port}`);
  session.on('error', reject);
  const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
  const chunks: Buffer[] = [];
  let grpcStatus = '';
  stream.on('trailers', (t) => (grpcStatus = String(t['grpc-status'])));
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => {
    session.close();
    resolve({ grpcStatus, message: Buffer.concat(chunks) });
  });
  stream.end(Buffer.from([0, 0, 0, 0, 0]));
});

/** A loopback address of the program's own: the ports are fixed, as upstream's are. */
const ownAddress = () => `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

function start(args: string[], env: Record<string, string>, listeners: number) {
  const handlers = new Map<string, () => void>();
  let log = '';
  let listening!: () => void;
  const up = new Promise<void>((r) => (listening = r));
  let exited!: (code: number) => void;
  const exit = new Promise<number>((r) => (exited = r));
  const io: ProgramIO = {
    env,
    args,
    stdout: { write: () => {} },
    stderr: {
      write: (text) => {
        log += text;
        if ((log.match(/listening on/g) ?? []).length >= listeners && /started/.test(log)) listening();
      },
    },
    onSignal: (s, h) => void handlers.set(s, h),
    exit: (code) => exited(code),
  };
  const running = knativeComponent(io);
  return { up, exit, running, term: () => handlers.get('SIGTERM')!(), log: () => log };
}

test('controller: knative.dev/pkg probes on 8080 and process metrics on 9090; SIGTERM exits 0', async () => {
  const address = ownAddress();
  const p = start(['--component=controller'], { SKIFF_LISTEN_ADDRESS: address }, 2);
  try {
    await p.up;
    assert.equal((await get(address, 8080, '/readiness')).status, 200);
    assert.equal((await get(address, 8080, '/health')).status, 200);
    assert.equal((await get(address, 8080, '/other')).status, 404);
    const metrics = await get(address, 9090, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^process_start_time_seconds \d+\.\d{3}$/m);
    assert.match(metrics.body, /^knative_component_up\{component="controller"\} 1$/m);
    p.term();
    assert.equal(await p.exit, 0);
  } finally {
    p.running.close();
  }
});

test('autoscaler: readiness with the k-kubelet-probe header on 8080; 9090 is left to skiff', async () => {
  const address = ownAddress();
  const p = start([], { SKIFF_LISTEN_ADDRESS: address, KNATIVE_COMPONENT: 'autoscaler' }, 1);
  try {
    await p.up;
    assert.equal((await get(address, 8080, '/', { 'k-kubelet-probe': 'autoscaler' })).status, 200);
    assert.equal((await get(address, 8080, '/')).status, 404);
    await assert.rejects(get(address, 9090, '/metrics'), 'skiff\'s autoscaler metrics own the pod\'s 9090');
  } finally {
    p.running.close();
  }
});

test('webhook: HTTPS on 8443 with a self-signed certificate answers kubelet probes', async () => {
  const address = ownAddress();
  const p = start(['webhook'], { SKIFF_LISTEN_ADDRESS: address }, 2);
  try {
    await p.up;
    assert.equal((await get(address, 8443, '/', { 'user-agent': 'kube-probe/1.32' }, true)).status, 200);
    assert.equal((await get(address, 8443, '/', {}, true)).status, 404);
  } finally {
    p.running.close();
  }
});

test('net-kourier-controller: gRPC health SERVING on 18000', async () => {
  const address = ownAddress();
  const p = start([], { SKIFF_LISTEN_ADDRESS: address, HOSTNAME: 'net-kourier-controller-5f7c9d-abcde' }, 1);
  try {
    await p.up;
    const reply = await grpcCheck(address, 18000);
    assert.equal(reply.grpcStatus, '0');
    assert.deepEqual([...reply.message], [0, 0, 0, 0, 2, 0x08, 0x01]);
  } finally {
    p.running.close();
  }
});

test('activator: binds nothing (skiff serves its ports) and lives until SIGTERM', async () => {
  const address = ownAddress();
  const p = start(['activator'], { SKIFF_LISTEN_ADDRESS: address }, 0);
  try {
    await p.up;
    // 8012 stays free for skiff's activator data plane.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(8012, address, resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    p.term();
    assert.equal(await p.exit, 0);
  } finally {
    p.running.close();
  }
});

test('an unknown component exits 1 and says why', async () => {
  const p = start(['--component=nope'], {}, 0);
  assert.equal(await p.exit, 1);
  assert.match(p.log(), /unknown Knative component/);
  p.running.close();
});
