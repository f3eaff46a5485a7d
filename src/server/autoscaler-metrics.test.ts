/**
 * The autoscaler's metrics endpoint driven by its informers (the KPA's in-memory FakeClient):
 * a running autoscaler pod gets `/metrics` on its IP (127.0.0.1, port 0 here); config-
 * observability's backend-destination `none` closes it, an unsupported value changes nothing,
 * `prometheus` opens it again; a deleted pod's endpoint closes.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { FakeClient } from '../controllers/serving/autoscaler/fake-client.ts';
import { silentLogger } from '../util/log.ts';
import { startAutoscalerMetrics } from './autoscaler-metrics.ts';

const POD = { apiVersion: 'v1', kind: 'Pod' };
const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject);
  });
}

const autoscalerPod = {
  ...POD,
  metadata: { name: 'autoscaler-5c8f-abcde', namespace: 'knative-serving', labels: { app: 'autoscaler' } },
  spec: { containers: [{ name: 'autoscaler', image: 'gcr.io/knative-releases/knative.dev/serving/cmd/autoscaler:v1.15.2' }] },
  status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] },
};

test('serves /metrics on the autoscaler pod while the backend is prometheus', async (t) => {
  const client = new FakeClient();
  const source = { render: () => Promise.resolve('autoscaler_desired_pods{revision_name="r"} 1\n'), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
  const running = await startAutoscalerMetrics(client, silentLogger(), source, { port: 0 });
  t.after(() => running.stop());
  await running.settled();
  assert.deepEqual(running.endpoints(), [], 'no autoscaler pod yet');

  await client.create(autoscalerPod);
  await running.settled();
  const [ep] = running.endpoints();
  assert.equal(ep?.pod, 'knative-serving/autoscaler-5c8f-abcde');
  assert.equal(ep.address, '127.0.0.1');
  const scraped = await get(ep.port, '/metrics');
  assert.deepEqual([scraped.status, scraped.body, scraped.type], [200, 'autoscaler_desired_pods{revision_name="r"} 1\n', source.contentType]);
  assert.equal((await get(ep.port, '/other')).status, 404);

  await client.create({ ...CM, metadata: { name: 'config-observability', namespace: 'knative-serving' }, data: { 'metrics.backend-destination': 'none' } });
  await running.settled();
  assert.deepEqual(running.endpoints(), [], 'backend none: the port is closed');
  await assert.rejects(get(ep.port, '/metrics'));

  await client.patch(CM, 'knative-serving', 'config-observability', 'merge', { data: { 'metrics.backend-destination': 'bogus' } });
  await running.settled();
  assert.deepEqual(running.endpoints(), [], 'an unsupported value keeps the exporter in place (none)');

  await client.patch(CM, 'knative-serving', 'config-observability', 'merge', { data: { 'metrics.backend-destination': 'Prometheus' } });
  await running.settled();
  assert.equal(running.endpoints().length, 1);

  await client.delete(POD, 'knative-serving', autoscalerPod.metadata.name);
  await running.settled();
  assert.deepEqual(running.endpoints(), []);
});
