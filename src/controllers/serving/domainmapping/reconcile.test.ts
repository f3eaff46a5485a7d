/** The DomainMapping reconcile driven directly over an in-memory client. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, KubeObject } from '../../../api/object.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import { silentLogger } from '../../../util/log.ts';
import { MemoryClient } from '../ingress/testing/memory-client.ts';
import { KINDS } from '../shared/contracts.ts';
import { domainMappingConfigFromData } from './config.ts';
import { type DomainMappingDeps, reconcileDomainMapping } from './reconcile.ts';

const log = silentLogger();
const DOMAIN = 'hello.example.org';

const dmIn = (namespace: string, created: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: KINDS.domainMapping.apiVersion, kind: KINDS.domainMapping.kind,
  metadata: { name: DOMAIN, namespace, uid: `uid-${namespace}`, generation: 1, creationTimestamp: created },
  spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace }, ...spec },
});
const KSVC: KubeObject = {
  apiVersion: KINDS.service.apiVersion, kind: KINDS.service.kind, metadata: { name: 'hello', namespace: 'default' },
  status: { address: { url: 'http://hello.default.svc.cluster.local' } },
};

function setup(network: Record<string, string> = { 'autocreate-cluster-domain-claims': 'true', 'default-external-scheme': 'https' }) {
  const mem = new MemoryClient();
  const client = mem.asClient();
  const all = () => [...mem.objects.values()];
  const deps: DomainMappingDeps = {
    client, log, events: new EventRecorder(client, { component: 'test' }, log), now: () => new Date('2026-01-01T00:00:00Z'),
    config: () => domainMappingConfigFromData(network),
    domainMapping: (key) => all().find((o) => o.kind === 'DomainMapping' && `${o.metadata.namespace}/${o.metadata.name}` === key),
    domainMappingsNamed: (d) => all().filter((o) => o.kind === 'DomainMapping' && o.metadata.name === d),
    ingress: (ns, n) => mem.find(KINDS.ingress, ns, n),
    routeIngress: (ns, route) => all().find((o) => o.kind === 'Ingress' && o.metadata.namespace === ns && o.metadata.labels?.['serving.knative.dev/route'] === route),
    target: (ref) => Promise.resolve(mem.find({ apiVersion: ref.apiVersion!, kind: ref.kind! }, ref.namespace, ref.name!)),
  };
  return { mem, deps };
}

const dmOut = (mem: MemoryClient, ns = 'default') => mem.find(KINDS.domainMapping, ns, DOMAIN)!;
const conditions = (o: KubeObject) => Object.fromEntries(((o.status as { conditions: Condition[] }).conditions).map((c) => [c.type, `${c.status}${c.reason ? `/${c.reason}` : ''}`]));

/** What the ingress controller does once its gateways answer: observe the generation, Ready. */
function markIngressReady(mem: MemoryClient, ns = 'default'): void {
  const ing = mem.find(KINDS.ingress, ns, DOMAIN)!;
  mem.put({ ...ing, metadata: { ...ing.metadata, generation: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } });
}

describe('reconcileDomainMapping', () => {
  it('claims the domain, resolves the ksvc, makes the KIngress, and turns Ready with the ingress', async () => {
    const { mem, deps } = setup();
    mem.put(KSVC);
    mem.put(dmIn('default', '2026-01-01T00:00:00Z'));
    await reconcileDomainMapping(deps, `default/${DOMAIN}`);
    const ing = mem.find(KINDS.ingress, 'default', DOMAIN)!;
    assert.equal(ing.metadata.annotations!['networking.knative.dev/ingress.class'], 'istio.ingress.networking.knative.dev');
    const path = (ing.spec as { rules: Array<{ http: { paths: Array<{ rewriteHost: string; splits: Array<{ serviceName: string }> }> } }> }).rules[0]!.http.paths[0]!;
    assert.deepEqual([path.rewriteHost, path.splits[0]!.serviceName], ['hello.default.svc.cluster.local', 'hello']);
    let dm = dmOut(mem);
    assert.deepEqual((dm.status as { url: string; address: unknown }).url, `https://${DOMAIN}`);
    assert.deepEqual((dm.status as { address: unknown }).address, { url: `https://${DOMAIN}` });
    assert.deepEqual(conditions(dm), {
      CertificateProvisioned: 'True/TLSNotEnabled', DomainClaimed: 'True', IngressReady: 'Unknown/IngressNotConfigured', Ready: 'Unknown/IngressNotConfigured', ReferenceResolved: 'True',
    });
    markIngressReady(mem);
    await reconcileDomainMapping(deps, `default/${DOMAIN}`);
    dm = dmOut(mem);
    assert.equal(conditions(dm).Ready, 'True');
    assert.equal((dm.status as { observedGeneration: number }).observedGeneration, 1);
    // Converged: another pass writes nothing.
    const writes = mem.writes;
    await reconcileDomainMapping(deps, `default/${DOMAIN}`);
    assert.equal(mem.writes, writes);
  });

  it('takes the Route\'s cluster-local paths when the Route has a KIngress (skiff\'s one-hop substitute)', async () => {
    const { mem, deps } = setup();
    mem.put(KSVC);
    const split = { serviceName: 'hello-00001', serviceNamespace: 'default', servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': 'default' } };
    mem.put({
      apiVersion: KINDS.ingress.apiVersion, kind: KINDS.ingress.kind, metadata: { name: 'hello', namespace: 'default', labels: { 'serving.knative.dev/route': 'hello' } },
      spec: { rules: [{ hosts: ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: [{ splits: [split] }] } }] },
    });
    mem.put(dmIn('default', '2026-01-01T00:00:00Z'));
    await reconcileDomainMapping(deps, `default/${DOMAIN}`);
    const paths = (mem.find(KINDS.ingress, 'default', DOMAIN)!.spec as { rules: Array<{ http: { paths: unknown[] } }> }).rules[0]!.http.paths;
    assert.deepEqual(paths, [{
      rewriteHost: 'hello.default.svc.cluster.local',
      splits: [{ ...split, appendHeaders: { ...split.appendHeaders, 'K-Original-Host': DOMAIN } }],
    }]);
  });

  it('reports an unresolvable reference and retries', async () => {
    const { mem, deps } = setup();
    mem.put(dmIn('default', '2026-01-01T00:00:00Z'));
    await assert.rejects(reconcileDomainMapping(deps, `default/${DOMAIN}`), /resolving reference: failed to get ref/);
    assert.equal(conditions(dmOut(mem)).ReferenceResolved, 'False/ResolveFailed');
    assert.equal(conditions(dmOut(mem)).Ready, 'False/ResolveFailed');
    assert.equal(mem.find(KINDS.ingress, 'default', DOMAIN), undefined);
  });

  it('leaves a domain held by another namespace alone: DomainAlreadyClaimed', async () => {
    const { mem, deps } = setup();
    mem.put(dmIn('first', '2026-01-01T00:00:00Z'));
    mem.put(dmIn('default', '2026-01-01T00:01:00Z'));
    await assert.rejects(reconcileDomainMapping(deps, `default/${DOMAIN}`), /namespace "default" does not own ClusterDomainClaim for "hello.example.org"/);
    assert.equal(conditions(dmOut(mem)).DomainClaimed, 'False/DomainAlreadyClaimed');
    assert.equal(mem.find(KINDS.ingress, 'default', DOMAIN), undefined);
  });

  it('claims nothing when autocreate-cluster-domain-claims is off', async () => {
    const { mem, deps } = setup({});
    mem.put(KSVC);
    mem.put(dmIn('default', '2026-01-01T00:00:00Z'));
    await assert.rejects(reconcileDomainMapping(deps, `default/${DOMAIN}`), /autocreate-cluster-domain-claims property is not true/);
    assert.equal(conditions(dmOut(mem)).DomainClaimed, 'False/DomainAlreadyClaimed');
    assert.equal((dmOut(mem).status as { url: string }).url, `http://${DOMAIN}`);
  });

  it('serves https with the DomainMapping\'s own certificate', async () => {
    const { mem, deps } = setup({ 'autocreate-cluster-domain-claims': 'true' });
    mem.put(KSVC);
    mem.put(dmIn('default', '2026-01-01T00:00:00Z', { tls: { secretName: 'hello-cert' } }));
    await reconcileDomainMapping(deps, `default/${DOMAIN}`);
    const ing = mem.find(KINDS.ingress, 'default', DOMAIN)!;
    assert.deepEqual((ing.spec as { tls: unknown }).tls, [{ hosts: [DOMAIN], secretName: 'hello-cert', secretNamespace: 'default' }]);
    assert.equal((dmOut(mem).status as { url: string }).url, `https://${DOMAIN}`);
    assert.equal(conditions(dmOut(mem)).CertificateProvisioned, 'True/CertificateExternallyProvided');
  });
});
