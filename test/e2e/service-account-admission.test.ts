/**
 * The ServiceAccount admission plugin end to end, with the real kubectl and curl: a pod in a
 * brand-new namespace (its `default` account is made moments later by the controller) gets
 * the kube-api-access volume, reads token, ca.crt and namespace from
 * /var/run/secrets/kubernetes.io/serviceaccount, and uses them to GET itself from the API
 * server; a missing account is refused with kube-apiserver's words, for kubectl and for a
 * ReplicaSet's pods; automountServiceAccountToken: false on the account keeps the volume out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getPod, waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const NS = 'sa-e2e';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface PodSpecView {
  serviceAccountName?: string;
  serviceAccount?: string;
  volumes?: Array<{ name: string; projected?: unknown }>;
  containers: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
}

describe('ServiceAccount admission', () => {
  let t: TestSkiff;
  before(async () => {
    t = await startTestSkiff();
  });
  after(async () => {
    await t?.stop();
  });

  it('a pod in a new namespace reads its token, ca.crt and namespace and GETs itself from the API server', async () => {
    // The pod follows the namespace at once: admission waits for the controller's `default`.
    await t.kubectl.ok(['create', 'namespace', NS]);
    // A pod may reach the API server through the kubernetes Service only as root (port 443);
    // the kubeconfig's address works for everyone.
    const viaService = process.getuid?.() === 0
      ? `echo "SVC:$(curl -sS --max-time 10 --cacert ${SA_DIR}/ca.crt --resolve kubernetes.default.svc:$KUBERNETES_SERVICE_PORT:$KUBERNETES_SERVICE_HOST -H "Authorization: Bearer $(cat ${SA_DIR}/token)" -o /dev/null -w '%{http_code}' https://kubernetes.default.svc:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat ${SA_DIR}/namespace)/pods/$POD_NAME)"`
      : 'echo SVC:skipped';
    const script = [
      `echo "NS:$(cat ${SA_DIR}/namespace)"`,
      `echo "TOKEN:$(wc -c < ${SA_DIR}/token)"`,
      `echo "CA:$(grep -c 'BEGIN CERTIFICATE' ${SA_DIR}/ca.crt)"`,
      viaService,
      // printf, not echo: sh's echo would turn the JSON's `\n` escapes into newlines.
      `printf 'GET:%s\\n' "$(curl -sS --max-time 10 --fail --cacert ${SA_DIR}/ca.crt -H "Authorization: Bearer $(cat ${SA_DIR}/token)" "$API_SERVER/api/v1/namespaces/$(cat ${SA_DIR}/namespace)/pods/$POD_NAME" | tr -d '\\n')"`,
    ].join('; ');
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader' },
      spec: {
        restartPolicy: 'Never',
        containers: [{
          name: 'main', image: 'busybox', command: ['sh', '-c', script],
          env: [{ name: 'API_SERVER', value: t.skiff.info.apiServer }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        }],
      },
    }) });

    const pod = (await getPod(t.kubectl, 'reader', NS))!;
    const spec = pod.spec as unknown as PodSpecView;
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    assert.equal(spec.volumes?.length, 1);
    const volume = spec.volumes![0]!;
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: volume.name, mountPath: SA_DIR, readOnly: true }]);
    // The field manager runs before mutating admission (kube-apiserver's handlers): kubectl owns
    // what it sent and its defaults, not what the plugin added.
    const owned = JSON.stringify(JSON.parse(await t.kubectl.ok(['get', 'pod', '-n', NS, 'reader', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[?(@.manager=="kubectl-client-side-apply")].fieldsV1}'])));
    assert.match(owned, /"f:restartPolicy"/);
    assert.match(owned, /"f:dnsPolicy"/, 'defaults are the writer\'s');
    assert.doesNotMatch(owned, /kube-api-access|"f:volumes"|"f:volumeMounts"|"f:serviceAccountName"/);

    await waitFor('the reader pod to finish', async () => {
      const phase = (await getPod(t.kubectl, 'reader', NS))?.status.phase;
      assert.notEqual(phase, 'Failed', await t.kubectl(['logs', '-n', NS, 'reader']).then((r) => r.stdout + r.stderr));
      return phase === 'Succeeded';
    }, 60_000);
    const lines = new Map((await t.kubectl.ok(['logs', '-n', NS, 'reader'])).split('\n').filter((l) => /^[A-Z]+:/.test(l)).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
    assert.equal(lines.get('NS'), NS);
    assert.ok(Number(lines.get('TOKEN')) > 0, `token bytes: ${lines.get('TOKEN')}`);
    assert.equal(lines.get('CA'), '1');
    assert.equal(lines.get('SVC'), process.getuid?.() === 0 ? '200' : 'skipped', 'through the kubernetes Service');
    const self = JSON.parse(lines.get('GET') ?? '{}') as { kind?: string; metadata?: { name?: string; namespace?: string } };
    assert.equal(self.kind, 'Pod');
    assert.deepEqual([self.metadata?.namespace, self.metadata?.name], [NS, 'reader']);
  });

  it('a pod naming a missing account is refused as kube-apiserver refuses it', async () => {
    const r = await t.kubectl(['apply', '-n', NS, '-f', '-'], { stdin: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lost' },
      spec: { serviceAccountName: 'ghost', containers: [{ name: 'main', image: 'busybox' }] },
    }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): error when creating "STDIN": pods "lost" is forbidden: error looking up service account sa-e2e\/ghost: serviceaccount "ghost" not found/);
  });

  it('a ReplicaSet whose pods name a missing account reports FailedCreate with the generated-name prefix', async () => {
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: JSON.stringify({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { serviceAccountName: 'ghost', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] } },
      },
    }) });
    const message = await waitFor('a FailedCreate event', async () => {
      const events = JSON.parse(await t.kubectl.ok(['get', 'events', '-n', NS, '--field-selector', 'reason=FailedCreate', '-o', 'json'])) as { items: Array<{ message: string }> };
      return events.items[0]?.message;
    });
    assert.equal(message, 'Error creating: pods "web-" is forbidden: error looking up service account sa-e2e/ghost: serviceaccount "ghost" not found');
    await t.kubectl.ok(['delete', 'replicaset', '-n', NS, 'web']);
  });

  it('an account with automountServiceAccountToken: false gives its pods no volume, unless the pod asks', async () => {
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet' }, automountServiceAccountToken: false }) });
    const pod = (name: string, extra: object) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { serviceAccountName: 'quiet', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }], ...extra } });
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: pod('quiet', {}) });
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: pod('asks', { automountServiceAccountToken: true }) });
    const quiet = (await getPod(t.kubectl, 'quiet', NS))!.spec as unknown as PodSpecView;
    assert.equal(quiet.volumes, undefined);
    assert.equal(quiet.containers[0]!.volumeMounts, undefined);
    const asks = (await getPod(t.kubectl, 'asks', NS))!.spec as unknown as PodSpecView;
    assert.match(asks.volumes?.[0]?.name ?? '', /^kube-api-access-/);
    await t.kubectl.ok(['delete', 'pod', '-n', NS, 'quiet', 'asks', '--grace-period=0', '--force']);
  });
});
