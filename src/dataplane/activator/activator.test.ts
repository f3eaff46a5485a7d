/**
 * The activator over real sockets on 127.0.0.1: plain http servers stand in for the
 * revision pods' queue-proxies.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import type { Stat, StatSink } from '../../controllers/serving/shared/contracts.ts';
import { Activator, type ActivatorOptions } from './activator.ts';

class RecordingSink implements StatSink {
  stats: Stat[] = [];
  pokes: string[] = [];
  record(stat: Stat): void {
    this.stats.push(stat);
  }
  poke(namespace: string, revision: string): void {
    this.pokes.push(`${namespace}/${revision}`);
  }
}

interface Backend {
  port: number;
  seen: http.IncomingHttpHeaders[];
  active: number;
  maxActive: number;
  /** When set, requests wait for it before answering. */
  gate?: Promise<void>;
  close(): Promise<void>;
}

async function backend(body = 'Hello Openshift!'): Promise<Backend> {
  const b: Backend = { port: 0, seen: [], active: 0, maxActive: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    b.seen.push(req.headers);
    b.active++;
    b.maxActive = Math.max(b.maxActive, b.active);
    void (b.gate ?? Promise.resolve()).then(() => {
      b.active--;
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  b.port = (server.address() as AddressInfo).port;
  b.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return b;
}

async function activator(t: { after(fn: () => Promise<void>): void }, extra: Partial<ActivatorOptions> = {}) {
  const sink = new RecordingSink();
  const a = new Activator({ host: '127.0.0.1', podName: 'activator-1', sink, port: 0, metricsPort: 0, reportIntervalMs: 60_000, ...extra });
  await a.listen();
  t.after(() => a.close());
  return { a, sink };
}

interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

function get(port: number, headers: Record<string, string>, path = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

const REV = { 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'default' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('forwards to a ready pod with K-Proxy-Request, without the revision headers; pokes on first sight', async (t) => {
  const pod = await backend();
  t.after(() => pod.close());
  const { a, sink } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: pod.port }], service: 'hello', configuration: 'hello' });
  const r = await get(a.port, { ...REV, 'k-original-host': 'hello-default.apps.example.com' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'Hello Openshift!');
  assert.equal(pod.seen[0]?.['k-proxy-request'], 'activator');
  assert.equal(pod.seen[0]?.host, 'hello-default.apps.example.com');
  assert.equal(pod.seen[0]?.['knative-serving-revision'], undefined);
  assert.deepEqual(sink.pokes, ['default/hello-00001']);
});

test('unknown or missing revision: 404 as upstream words it', async (t) => {
  const { a } = await activator(t);
  const r = await get(a.port, {});
  assert.equal(r.status, 404);
  assert.equal(r.body, 'Error getting active endpoint: revision.serving.knative.dev "" not found\n');
});

test('holds requests while the revision has no ready pod and forwards them when one appears', async (t) => {
  const pod = await backend();
  t.after(() => pod.close());
  const { a, sink } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [] });
  let answered = false;
  const pending = Promise.all([get(a.port, REV), get(a.port, REV)]).finally(() => (answered = true));
  await sleep(150);
  assert.equal(answered, false);
  assert.equal(a.inFlight, 2);
  assert.deepEqual(sink.pokes, ['default/hello-00001']);
  a.reportStats();
  // Two held requests, less the first one the poke already stood for.
  assert.equal(sink.stats[0]?.requestCount, 1);
  assert.ok((sink.stats[0]?.averageConcurrentRequests ?? 0) > 0.5, 'held requests count as concurrency');
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: pod.port }] });
  const replies = await pending;
  assert.deepEqual(replies.map((r) => r.status), [200, 200]);
});

test('containerConcurrency 1 with one pod: one request at a time', async (t) => {
  const pod = await backend();
  t.after(() => pod.close());
  let open!: () => void;
  pod.gate = new Promise<void>((r) => (open = r));
  const { a } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 1, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: pod.port }] });
  const all = Promise.all([get(a.port, REV), get(a.port, REV), get(a.port, REV)]);
  await sleep(150);
  assert.equal(pod.seen.length, 1);
  open();
  pod.gate = undefined;
  assert.deepEqual((await all).map((r) => r.status), [200, 200, 200]);
  assert.equal(pod.maxActive, 1);
});

test('queue overflow: 503 pending request queue full', async (t) => {
  const { a } = await activator(t, { queueDepth: 1 });
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 1, backends: [] });
  const held = get(a.port, REV);
  await sleep(50);
  const r = await get(a.port, REV);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'pending request queue full\n');
  assert.equal((await held).status, 504);
});

test('timeoutSeconds: a request held too long gets 504 activator request timeout', async (t) => {
  const { a } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 1, backends: [] });
  const started = Date.now();
  const r = await get(a.port, REV);
  assert.equal(r.status, 504);
  assert.equal(r.body, 'activator request timeout\n');
  assert.ok(Date.now() - started >= 900);
  assert.equal(a.inFlight, 0);
});

test('probes: activator, network probe hash, kubelet', async (t) => {
  const { a } = await activator(t);
  const act = await get(a.port, { 'k-network-probe': 'activator' });
  assert.deepEqual([act.status, act.body], [200, 'activator']);
  const net = await get(a.port, { 'k-network-probe': 'probe', 'k-network-hash': 'h123' });
  assert.deepEqual([net.status, net.headers['k-network-hash']], [200, 'h123']);
  const kube = await get(a.port, { 'user-agent': 'kube-probe/1.32' });
  assert.equal(kube.status, 200);
});

test('metrics: request count, latencies and concurrency with upstream labels', async (t) => {
  const pod = await backend();
  t.after(() => pod.close());
  const { a } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: pod.port }], service: 'hello', configuration: 'hello' });
  await get(a.port, REV);
  a.reportStats();
  const m = await get(a.metricsPort, {}, '/metrics');
  const labels = 'namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",pod_name="activator-1",container_name="activator"';
  assert.match(m.body, new RegExp(`activator_request_count\\{${labels},response_code="200",response_code_class="2xx"\\} 1`));
  assert.match(m.body, /activator_request_latencies_bucket\{.*le="5"/);
  assert.match(m.body, new RegExp(`activator_request_concurrency\\{${labels}\\}`));
});

test('close drains: a request in flight finishes before close resolves', async (t) => {
  const pod = await backend();
  t.after(() => pod.close());
  let open!: () => void;
  pod.gate = new Promise<void>((r) => (open = r));
  const sink = new RecordingSink();
  const a = new Activator({ host: '127.0.0.1', podName: 'activator-1', sink, port: 0, metricsPort: null });
  await a.listen();
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: pod.port }] });
  const reply = get(a.port, REV);
  await sleep(50);
  const closed = a.close(5_000);
  await sleep(50);
  open();
  assert.equal((await reply).status, 200);
  await closed;
  assert.equal(a.inFlight, 0);
});

test('removing a revision fails its held requests with 503; round robin spreads CC 10 over two pods', async (t) => {
  const { a } = await activator(t);
  a.updateRevision('default', 'gone-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [] });
  const held = get(a.port, { 'knative-serving-revision': 'gone-00001', 'knative-serving-namespace': 'default' });
  await sleep(50);
  a.removeRevision('default', 'gone-00001');
  assert.equal((await held).status, 503);

  const p1 = await backend('one');
  const p2 = await backend('two');
  t.after(() => Promise.all([p1.close(), p2.close()]).then(() => undefined));
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 10, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: p1.port }, { ip: '127.0.0.1', port: p2.port }] });
  const bodies = [];
  for (let i = 0; i < 4; i++) bodies.push((await get(a.port, REV)).body);
  assert.deepEqual(bodies, ['one', 'two', 'one', 'two']);
});

test('a pooled connection the pod resets on reuse: a request without a body is sent again on a new one', async (t) => {
  // Each connection answers its first request and resets on the second, like a pod that
  // closed an idle keep-alive connection just as the activator reused it.
  const net = await import('node:net');
  let connections = 0;
  const pod = net.createServer((socket) => {
    connections++;
    let requests = 0;
    socket.on('data', () => {
      if (++requests > 1) return socket.resetAndDestroy();
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
    });
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => pod.close(() => r())));
  const { a } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: (pod.address() as AddressInfo).port }] });
  assert.equal((await get(a.port, REV)).status, 200);
  const second = await get(a.port, REV);
  assert.deepEqual([second.status, second.body], [200, 'ok']);
  assert.equal(connections, 2);
});

test('upgrade (WebSocket): held until a pod is ready, then spliced with the rewritten head', async (t) => {
  const net = await import('node:net');
  let seenHead = '';
  const pod = net.createServer((socket) => {
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      seenHead = buf.slice(0, end);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n');
      const rest = buf.slice(end + 4);
      if (rest) socket.write(rest);
      socket.pipe(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => pod.close(() => r())));
  const { a } = await activator(t);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [] });
  const upgraded = new Promise<Duplex>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: a.port, agent: false, headers: { ...REV, connection: 'Upgrade', upgrade: 'websocket' } });
    req.on('upgrade', (_res, socket) => resolve(socket));
    req.on('error', reject);
    req.end();
  });
  await sleep(100);
  assert.equal(a.inFlight, 1);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 300, backends: [{ ip: '127.0.0.1', port: (pod.address() as AddressInfo).port }] });
  const socket = await upgraded;
  socket.write('ping');
  const echoed = await new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString())));
  assert.equal(echoed, 'ping');
  assert.match(seenHead, /^GET \/ HTTP\/1\.1\r\n/);
  assert.match(seenHead, /\r\nk-proxy-request: activator/);
  assert.match(seenHead, /\r\nconnection: Upgrade\r\nupgrade: websocket/);
  assert.doesNotMatch(seenHead, /knative-serving-revision/);
  socket.destroy();
  await sleep(50);
  assert.equal(a.inFlight, 0);
});
