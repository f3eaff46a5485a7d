/** The net-istio reconcile driven directly over an in-memory client, with a stub prober. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import { silentLogger } from '../../../util/log.ts';
import { KINDS } from '../shared/contracts.ts';
import { ISTIO_FINALIZER, reconcileIstioIngress, type IstioIngressState } from './istio-reconcile.ts';
import { INGRESS_LABEL, type KIngress } from './kingress.ts';
import type { ProbeTarget } from './probe-plan.ts';
import { helloIngress, type Json } from './testing-fixtures.ts';
import { MemoryClient } from './testing/memory-client.ts';

const log = silentLogger();
const gw = (name: string, server: unknown): KubeObject => ({ apiVersion: KINDS.gateway.apiVersion, kind: 'Gateway', metadata: { name, namespace: 'knative-serving' }, spec: { selector: { knative: 'ingressgateway' }, servers: [server] } });
const GATEWAYS = [
  gw('knative-ingress-gateway', { hosts: ['*'], port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'wildcard-certs' } }),
  gw('knative-local-gateway', { hosts: ['*'], port: { number: 8081, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' } }),
];
const POD: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istio-ingressgateway-1', namespace: 'istio-system', labels: { istio: 'ingressgateway', knative: 'ingressgateway' } },
  spec: { containers: [{ name: 'istio-proxy', args: ['proxy', 'router'] } as never] }, status: { phase: 'Running', podIP: '10.88.0.7' },
};
const SVC: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }] } };

function setup() {
  const mem = new MemoryClient();
  const client = mem.asClient();
  const ing = helloIngress();
  ing.metadata.finalizers = [ISTIO_FINALIZER];
  mem.put(ing);
  const probes: ProbeTarget[] = [];
  let answer = false;
  const state: IstioIngressState = {
    client, events: new EventRecorder(client, { component: 'test' }, log), log, now: () => new Date('2026-01-01T00:00:00Z'),
    probe: (target, hash) => (probes.push(target), Promise.resolve({ target, ready: answer && hash.length === 64, detail: '' })),
    ingress: () => mem.find(KINDS.ingress, 'default', 'hello') as KIngress | undefined,
    servingConfigMap: () => undefined,
    netIstioDeployment: () => undefined,
    gateways: () => GATEWAYS,
    pods: () => [POD],
    services: () => [SVC],
    secret: () => undefined,
    labelled: (kind, ns, name) => [...mem.objects.values()].filter((o) => o.kind === KINDS[kind].kind && o.metadata.namespace === ns && o.metadata.labels?.[INGRESS_LABEL] === name),
    probed: new Map(),
    backoff: new Map(),
  };
  return { mem, state, probes, setAnswer: (v: boolean) => (answer = v) };
}

const status = (mem: MemoryClient) => (mem.find(KINDS.ingress, 'default', 'hello')!.status ?? {}) as Json;
const condition = (mem: MemoryClient, type: string): Json => (status(mem).conditions as Json[]).find((c) => c.type === type) ?? {};

test('not ready until the gateway pod answers the probe, then ready with the load balancers; then nothing to do', async () => {
  const { mem, state, probes, setAnswer } = setup();
  assert.deepEqual(await reconcileIstioIngress(state, 'default/hello'), { requeueAfterMs: 200 });
  assert.ok(mem.find(KINDS.virtualService, 'default', 'hello-ingress'));
  assert.ok(mem.find(KINDS.virtualService, 'default', 'hello-mesh'));
  assert.equal(condition(mem, 'NetworkConfigured').status, 'True');
  assert.equal(condition(mem, 'LoadBalancerReady').reason, 'Uninitialized');
  // Only the external gateway is probed: the local one is ISTIO_MUTUAL.
  assert.deepEqual(probes.map((p) => [p.address, p.port, p.tls, p.host]), [['10.88.0.7', 8443, true, 'hello-default.apps.example.com']]);
  assert.deepEqual(await reconcileIstioIngress(state, 'default/hello'), { requeueAfterMs: 400 });

  setAnswer(true);
  assert.equal(await reconcileIstioIngress(state, 'default/hello'), undefined);
  assert.equal(condition(mem, 'Ready').status, 'True');
  assert.deepEqual(status(mem).publicLoadBalancer, { ingress: [{ domainInternal: 'istio-ingressgateway.istio-system.svc.cluster.local' }] });
  assert.deepEqual(status(mem).privateLoadBalancer, { ingress: [{ domainInternal: 'knative-local-gateway.istio-system.svc.cluster.local' }] });
  assert.equal(status(mem).observedGeneration, 2);

  const writes = mem.writes;
  const probed = probes.length;
  assert.equal(await reconcileIstioIngress(state, 'default/hello'), undefined);
  assert.equal(mem.writes, writes, 'a converged reconcile writes nothing');
  assert.equal(probes.length, probed, 'and does not probe again for the same spec and pods');
});

test('a stale VirtualService of the ingress is pruned; the finalizer is added first', async () => {
  const { mem, state } = setup();
  const ing = mem.find(KINDS.ingress, 'default', 'hello')!;
  mem.put({ ...ing, metadata: { ...ing.metadata, finalizers: [] } });
  assert.equal(await reconcileIstioIngress(state, 'default/hello'), undefined);
  assert.deepEqual(mem.find(KINDS.ingress, 'default', 'hello')!.metadata.finalizers, [ISTIO_FINALIZER]);
  mem.put({ apiVersion: KINDS.virtualService.apiVersion, kind: 'VirtualService', metadata: { name: 'old-ingress', namespace: 'default', labels: { [INGRESS_LABEL]: 'hello' }, ownerReferences: [{ apiVersion: 'x', kind: 'Ingress', name: 'hello', uid: ing.metadata.uid! }] } });
  await reconcileIstioIngress(state, 'default/hello');
  assert.equal(mem.find(KINDS.virtualService, 'default', 'old-ingress'), undefined);
});

test('another class is left alone', async () => {
  const { mem, state } = setup();
  const ing = mem.find(KINDS.ingress, 'default', 'hello')!;
  mem.put({ ...ing, metadata: { ...ing.metadata, annotations: { 'networking.knative.dev/ingress.class': 'kourier.ingress.networking.knative.dev' } } });
  assert.equal(await reconcileIstioIngress(state, 'default/hello'), undefined);
  assert.equal(mem.find(KINDS.virtualService, 'default', 'hello-ingress'), undefined);
});
