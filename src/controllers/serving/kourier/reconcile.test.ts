import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { silentLogger } from '../../../util/log.ts';
import type { KIngress } from '../ingress/kingress.ts';
import { ingressHash } from '../ingress/probe-hash.ts';
import type { ProbeFn } from '../ingress/prober.ts';
import { MemoryClient } from '../ingress/testing/memory-client.ts';
import { helloIngress } from '../ingress/testing-fixtures.ts';
import { KINDS } from '../shared/contracts.ts';
import { KOURIER_INGRESS_CLASS } from './gateway.ts';
import { reconcileKourierIngress, type KourierIngressState } from './reconcile.ts';

const KEY = 'default/hello';
const gatewayPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { namespace: 'knative-serving-ingress', name: '3scale-kourier-gateway-abc', labels: { app: '3scale-kourier-gateway' } },
  spec: { containers: [] }, status: { podIP: '127.0.83.9', phase: 'Running' },
};
type Status = { conditions?: Array<{ type: string; status: string; reason?: string }>; publicLoadBalancer?: unknown; privateLoadBalancer?: unknown };

function setup(opts: { cls?: string; pods?: Pod[]; answer: (hash: string) => string | undefined }) {
  const memory = new MemoryClient();
  const ing = helloIngress({ annotations: { 'networking.knative.dev/ingress.class': opts.cls ?? KOURIER_INGRESS_CLASS } });
  memory.put(ing);
  let probes = 0;
  const probe: ProbeFn = (target, hash) => {
    probes++;
    const got = opts.answer(hash);
    return Promise.resolve({ target, ready: got === hash, detail: got ?? 'no answer' });
  };
  const state: KourierIngressState = {
    client: memory.asClient(), log: silentLogger(), now: () => new Date('2026-01-01T00:00:00Z'), probe,
    ingress: () => memory.find(KINDS.ingress, 'default', 'hello') as KIngress | undefined,
    configNetwork: () => undefined,
    pods: () => opts.pods ?? [gatewayPod],
    probed: new Map(), backoff: new Map(),
  };
  const status = () => memory.find(KINDS.ingress, 'default', 'hello')?.status as Status | undefined;
  const condition = (type: string) => status()?.conditions?.find((c) => c.type === type);
  return { memory, state, status, condition, probes: () => probes };
}

describe('reconcileKourierIngress', () => {
  it('is LoadBalancerReady with Kourier\'s Services once every pod answers the hash', async () => {
    const t = setup({ answer: (hash) => hash });
    assert.equal(await reconcileKourierIngress(t.state, KEY), undefined);
    assert.equal(t.condition('Ready')?.status, 'True');
    assert.equal(t.condition('NetworkConfigured')?.status, 'True');
    assert.deepEqual(t.status()?.publicLoadBalancer, { ingress: [{ domainInternal: 'kourier.knative-serving-ingress.svc.cluster.local' }] });
    assert.deepEqual(t.status()?.privateLoadBalancer, { ingress: [{ domainInternal: 'kourier-internal.knative-serving-ingress.svc.cluster.local' }] });
    // Converged: the same version is not probed again and nothing is rewritten.
    const [probes, writes] = [t.probes(), t.memory.writes];
    await reconcileKourierIngress(t.state, KEY);
    assert.deepEqual([t.probes(), t.memory.writes], [probes, writes]);
  });

  it('waits (and requeues with a growing delay) while a pod serves an older version or none runs', async () => {
    const stale = setup({ answer: () => 'old' });
    const first = await reconcileKourierIngress(stale.state, KEY);
    const second = await reconcileKourierIngress(stale.state, KEY);
    assert.deepEqual([first, second], [{ requeueAfterMs: 200 }, { requeueAfterMs: 400 }]);
    assert.equal(stale.condition('LoadBalancerReady')?.reason, 'Uninitialized');
    const none = setup({ pods: [], answer: (hash) => hash });
    assert.deepEqual(await reconcileKourierIngress(none.state, KEY), { requeueAfterMs: 200 });
    assert.equal(none.probes(), 0);
  });

  it('leaves ingresses of another class alone', async () => {
    const t = setup({ cls: 'istio.ingress.networking.knative.dev', answer: (hash) => hash });
    await reconcileKourierIngress(t.state, KEY);
    assert.deepEqual([t.probes(), t.memory.writes, t.status()], [0, 0, undefined]);
  });

  it('probes with the hash of the ingress spec', async () => {
    const seen: string[] = [];
    const t = setup({ answer: (hash) => (seen.push(hash), hash) });
    await reconcileKourierIngress(t.state, KEY);
    assert.ok(seen.length > 0 && seen.every((h) => h === ingressHash(t.state.ingress(KEY)!)));
  });
});
