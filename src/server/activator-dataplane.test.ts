/**
 * The activator data plane driven by its informers: a small in-memory Client (list and watch
 * with namespace and equality label selectors) feeds Pods, Revisions and EndpointSlices; the
 * activator listens on 127.0.0.1 (port 0) and a plain http server is the revision's pod.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import type { Client, ClientWatchEventType, ListQuery, TypeRef, WatchHandlers } from '../client/types.ts';
import type { Stat, StatSink } from '../controllers/serving/shared/contracts.ts';
import { silentLogger } from '../util/log.ts';
import { startActivatorDataPlane } from './activator-dataplane.ts';

class MemoryClient {
  #rv = 1;
  readonly #objects = new Map<string, KubeObject>();
  readonly #watches = new Set<{ type: TypeRef; query: ListQuery; handlers: WatchHandlers }>();

  static #key(o: { apiVersion?: string; kind?: string; metadata: { namespace?: string; name?: string } }) {
    return `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  }

  static #matches(o: KubeObject, type: TypeRef, q: ListQuery): boolean {
    if (o.apiVersion !== type.apiVersion || o.kind !== type.kind) return false;
    if (q.namespace && o.metadata.namespace !== q.namespace) return false;
    for (const term of (q.labelSelector ?? '').split(',').filter((t) => t !== '')) {
      const [k = '', v] = term.split('=');
      if (o.metadata.labels?.[k] !== v) return false;
    }
    return true;
  }

  put(obj: KubeObject, type: ClientWatchEventType = 'ADDED'): void {
    const o = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } };
    const key = MemoryClient.#key(o);
    const ev = type === 'DELETED' ? 'DELETED' : this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    if (ev === 'DELETED') this.#objects.delete(key);
    else this.#objects.set(key, o);
    for (const w of this.#watches) if (MemoryClient.#matches(o, w.type, w.query)) w.handlers.onEvent({ type: ev, object: o });
  }

  asClient(): Client {
    const notUsed = () => Promise.reject(new Error('not used by the activator data plane'));
    return {
      list: <T extends KubeObject>(type: TypeRef, q: ListQuery = {}) => Promise.resolve({
        items: [...this.#objects.values()].filter((o) => MemoryClient.#matches(o, type, q)) as T[], resourceVersion: String(this.#rv),
      }),
      watch: <T extends KubeObject>(type: TypeRef, query: ListQuery, handlers: WatchHandlers<T>) => {
        const w = { type, query, handlers: handlers as unknown as WatchHandlers };
        this.#watches.add(w);
        return Promise.resolve({ stop: () => this.#watches.delete(w) });
      },
      get: notUsed, create: notUsed, update: notUsed, updateStatus: notUsed, patch: notUsed, delete: notUsed, createSubresource: notUsed, resourceFor: notUsed, kinds: notUsed,
    } as Client;
  }
}

class Sink implements StatSink {
  stats: Stat[] = [];
  pokes: string[] = [];
  record(s: Stat): void {
    this.stats.push(s);
  }
  poke(ns: string, rev: string): void {
    this.pokes.push(`${ns}/${rev}`);
  }
}

function get(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const activatorPod = (phase = 'Running', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'activator-abc', namespace: 'knative-serving', uid: 'u1', labels: { app: 'activator' }, ...extra },
  spec: { terminationGracePeriodSeconds: 600 }, status: { phase, podIP: '127.0.0.1' },
} as KubeObject);

test('activator data plane: an activator per running activator pod; revisions and their ready pods pushed to it', async (t) => {
  const pod = http.createServer((_req, res) => res.end('Hello Openshift!'));
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => pod.close(() => r())));
  const podPort = (pod.address() as AddressInfo).port;

  const mem = new MemoryClient();
  const sink = new Sink();
  mem.put(activatorPod());
  // Not an activator: another pod in knative-serving.
  mem.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'autoscaler-x', namespace: 'knative-serving', labels: { app: 'autoscaler' } }, status: { phase: 'Running', podIP: '127.0.0.2' } } as KubeObject);
  mem.put({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'hello-00001', namespace: 'default', labels: { 'serving.knative.dev/service': 'hello' } }, spec: { containerConcurrency: 0, timeoutSeconds: 30 } } as KubeObject);
  const dp = await startActivatorDataPlane(mem.asClient(), silentLogger(), sink, { port: 0, metricsPort: null });
  t.after(() => dp.stop());
  await dp.settled();
  const [act] = dp.activators();
  assert.ok(act);
  assert.equal(act.pod, 'knative-serving/activator-abc');
  assert.equal(act.listening, true);
  assert.equal(dp.health()[0]?.healthy, true);

  // Scaled to zero: the request waits, and the autoscaler is poked.
  let answered = false;
  const reply = get(act.port, { 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'default' }).finally(() => (answered = true));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(answered, false);
  assert.deepEqual(sink.pokes, ['default/hello-00001']);

  // The revision's pod becomes ready in its private Service's EndpointSlice.
  mem.put({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'hello-00001-private-x1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'hello-00001-private' } },
    addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'http', port: podPort }],
  } as KubeObject);
  assert.deepEqual(await reply, { status: 200, body: 'Hello Openshift!' });

  // An unknown revision is a 404; a deleted activator pod stops its activator.
  assert.equal((await get(act.port, { 'knative-serving-revision': 'nope', 'knative-serving-namespace': 'default' })).status, 404);
  mem.put(activatorPod(), 'DELETED');
  await dp.settled();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(dp.activators(), []);
});

test('activator data plane: a held request goes to a not-ready pod as soon as its queue-proxy answers the activator probe', async (t) => {
  // The pod's queue-proxy: its user container is ready 300 ms from now; the kubelet never marks it ready here.
  const readyAt = Date.now() + 300;
  let probes = 0;
  const pod = http.createServer((req, res) => {
    if (req.headers['k-network-probe'] === 'queue') {
      probes++;
      if (Date.now() >= readyAt) res.end('queue');
      else res.writeHead(503).end();
      return;
    }
    res.end('Hello Openshift!');
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    pod.closeAllConnections();
    pod.close(() => r());
  }));
  const podPort = (pod.address() as AddressInfo).port;

  const mem = new MemoryClient();
  mem.put(activatorPod());
  mem.put({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'hello-00001', namespace: 'default' }, spec: { containerConcurrency: 0, timeoutSeconds: 30 } } as KubeObject);
  const dp = await startActivatorDataPlane(mem.asClient(), silentLogger(), new Sink(), { port: 0, metricsPort: null, probeIntervalMs: 50 });
  t.after(() => dp.stop());
  await dp.settled();
  const [act] = dp.activators();
  assert.ok(act);

  const reply = get(act.port, { 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'default' });
  // The pod is up but not ready: its private Service's slice lists it `ready: false`.
  mem.put({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'hello-00001-private-x1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'hello-00001-private' } },
    addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: false, serving: false, terminating: false } }], ports: [{ name: 'http', port: podPort }],
  } as KubeObject);
  assert.deepEqual(await reply, { status: 200, body: 'Hello Openshift!' });
  assert.ok(Date.now() >= readyAt);
  assert.ok(probes >= 2, `${probes} probes`);

  // Healthy now: no more probes while it stays in the endpoints.
  const seen = probes;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(probes, seen);
});
