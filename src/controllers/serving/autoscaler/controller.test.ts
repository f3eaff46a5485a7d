/**
 * The KPA controller end to end over an in-memory client, a fake clock and a real
 * queue-proxy metrics endpoint on 127.0.0.1: SKS creation, activation when the first pod is
 * ready, NoTraffic after the stable window, zero after the grace period, and scale from zero
 * on the activator's poke without waiting for a tick.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Condition, KubeObject } from '../../../api/object.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import { silentLogger } from '../../../util/log.ts';
import { KINDS } from '../shared/contracts.ts';
import { startAutoscaler } from './controller.ts';
import { FakeClient } from './fake-client.ts';

const NS = 'default';
const REV = 'hello-00001';

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: { conditions?: Condition[]; [k: string]: unknown } };

test('PodAutoscaler lifecycle: SKS, active, NoTraffic, zero, and back on a poke', async () => {
  const concurrency = 0;
  const metrics = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(
      `queue_average_concurrent_requests{destination_pod="p1"} ${concurrency}\nqueue_average_proxied_concurrent_requests{destination_pod="p1"} 0\nqueue_requests_per_second 0\nqueue_proxied_operations_per_second 0\n`,
    );
  });
  await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r));
  const metricsPort = (metrics.address() as AddressInfo).port;

  let now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const clock = () => new Date(now);
  const client = new FakeClient();
  const log = silentLogger();
  const labels = { 'serving.knative.dev/revision': REV, 'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/service': 'hello' };
  await client.create({ ...KINDS.deployment, metadata: { name: `${REV}-deployment`, namespace: NS, labels }, spec: { replicas: 1 } });
  await client.create({
    ...KINDS.podAutoscaler,
    metadata: { name: REV, namespace: NS, labels, annotations: { 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'concurrency' } },
    spec: { protocolType: 'http1', reachability: 'Reachable', scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${REV}-deployment` } },
  });
  const kpa = await startAutoscaler(client, new EventRecorder(client, { component: 'kpa' }, log, clock), log, {
    now: clock, tickMs: 40, scrapeMs: 20, metricsPort, activatorInPath: async () => true,
  });
  const pa = async () => (await client.get<Obj>(KINDS.podAutoscaler, NS, REV))!;
  const sks = async () => client.get<Obj>(KINDS.serverlessService, NS, REV);
  const replicas = async () => (await client.get<Obj>(KINDS.deployment, NS, `${REV}-deployment`))!.spec!.replicas;
  const cond = async (type: string) => (await pa()).status?.conditions?.find((c) => c.type === type);
  const touchPod = async () => {
    const p = (await client.get<Obj>(KINDS.pod, NS, 'p1'))!;
    await client.update({ ...p, metadata: { ...p.metadata, annotations: { touched: String(now) } } });
  };
  try {
    // 1. The SKS in Proxy mode with two activators until it names its private Service.
    await eventually('the SKS', async () => (await sks()) !== undefined);
    const s = (await sks())!;
    assert.deepEqual(s.spec, { mode: 'Proxy', numActivators: 2, objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${REV}-deployment` }, protocolType: 'http1' });
    assert.equal(s.metadata.ownerReferences?.[0]?.kind, 'PodAutoscaler');
    assert.equal(s.metadata.annotations?.['autoscaling.knative.dev/metric'], undefined, 'the metric annotation is not copied');
    await eventually('SKSReady Unknown', async () => (await cond('SKSReady'))?.message === 'No Private Service Name');
    assert.equal((await pa()).status?.desiredScale, -1);
    assert.equal((await cond('Active'))?.reason, 'Queued');

    // 2. The SKS controller's part, and the first pod becomes ready.
    await client.updateStatus({ ...s, status: { serviceName: REV, privateServiceName: `${REV}-private`, conditions: [{ type: 'Ready', status: 'True' }] } });
    await client.create({ ...KINDS.pod, metadata: { name: 'p1', namespace: NS, labels }, status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] } });
    await eventually('Active', async () => (await cond('Active'))?.status === 'True');
    const active = await pa();
    assert.equal(active.status?.actualScale, 1);
    assert.equal(active.status?.serviceName, REV);
    assert.equal(active.status?.metricsServiceName, `${REV}-private`);
    assert.equal((await cond('ScaleTargetInitialized'))?.status, 'True');
    assert.equal((await cond('SKSReady'))?.status, 'True');
    assert.equal((await cond('Ready'))?.status, 'True');
    await eventually('a decision on scraped data (idle: 0, held at 1)', async () => (await pa()).status?.desiredScale === 1);
    assert.equal(await replicas(), 1);

    // 3. Idle for the stable window: NoTraffic, activator into the path, pod still there.
    now += 61_000;
    await touchPod();
    await eventually('NoTraffic', async () => (await cond('Active'))?.reason === 'NoTraffic');
    assert.equal((await pa()).status?.desiredScale, 0);
    assert.equal((await sks())!.spec?.mode, 'Proxy');
    assert.equal(await replicas(), 1, 'not before the grace period');

    // 4. The grace period later: zero.
    now += 31_000;
    await touchPod();
    await eventually('scaled to zero', async () => (await replicas()) === 0);
    await client.delete(KINDS.pod, NS, 'p1');
    await eventually('actualScale 0', async () => (await pa()).status?.actualScale === 0);

    // 5. A request reaches the activator: poke → one pod, at once.
    now += 5_000;
    kpa.sink.poke(NS, REV);
    await eventually('scaled from zero', async () => (await replicas()) === 1, 1000);
    await eventually('Activating', async () => (await cond('Active'))?.reason === 'Queued');
    assert.equal((await pa()).status?.desiredScale, 1);
  } finally {
    await kpa.stop();
    await new Promise((r) => metrics.close(r));
  }
});
