import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { mirrorPodProblem } from './service-account-mirror.ts';
import { assignServiceAccountName, copyImagePullSecrets, mountServiceAccountToken, shouldAutomount } from './service-account-mount.ts';

const fixedName = (prefix: string): string => `${prefix}abcde`;
const MOUNT = { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };

function pod(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec };
}
const account = (extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ns' }, ...extra });

test('the account: serviceAccountName, else the deprecated serviceAccount, else default; both fields are set', () => {
  const a = pod({});
  assert.equal(assignServiceAccountName(a), 'default');
  assert.deepEqual(a.spec, { serviceAccountName: 'default', serviceAccount: 'default' });
  const b = pod({ serviceAccount: 'old' });
  assert.equal(assignServiceAccountName(b), 'old');
  assert.equal((b.spec as { serviceAccountName: string }).serviceAccountName, 'old');
  const c = pod({ serviceAccountName: 'new', serviceAccount: 'old' });
  assert.equal(assignServiceAccountName(c), 'new');
  assert.deepEqual(c.spec, { serviceAccountName: 'new', serviceAccount: 'new' });
});

test('automount: the pod decides, then the account, and unset means yes', () => {
  assert.equal(shouldAutomount(account(), pod({})), true);
  assert.equal(shouldAutomount(account({ automountServiceAccountToken: false }), pod({})), false);
  assert.equal(shouldAutomount(account({ automountServiceAccountToken: false }), pod({ automountServiceAccountToken: true })), true);
  assert.equal(shouldAutomount(account({ automountServiceAccountToken: true }), pod({ automountServiceAccountToken: false })), false);
});

test('the kube-api-access volume is Kubernetes 1.32\'s, mounted read-only in every container and init container', () => {
  const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }, { name: 'b' }] });
  mountServiceAccountToken(p, fixedName);
  const spec = p.spec as { volumes: unknown[]; containers: Array<{ volumeMounts: unknown[] }>; initContainers: Array<{ volumeMounts: unknown[] }> };
  assert.deepEqual(spec.volumes, [{
    name: 'kube-api-access-abcde',
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  }]);
  assert.deepEqual(spec.initContainers[0]!.volumeMounts, [MOUNT]);
  assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: 'data', mountPath: '/data' }, MOUNT]);
  assert.deepEqual(spec.containers[1]!.volumeMounts, [MOUNT]);
});

test('a container that mounts something at the path keeps it; no container needing it means no volume', () => {
  const own = { name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  const p = pod({ volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'a', volumeMounts: [own] }] });
  mountServiceAccountToken(p, fixedName);
  assert.deepEqual(p.spec, { volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'a', volumeMounts: [own] }] });
});

test('an existing kube-api-access-* volume is mounted rather than a second one added', () => {
  const p = pod({ volumes: [{ name: 'kube-api-access-zzzzz', emptyDir: {} }], containers: [{ name: 'a' }] });
  mountServiceAccountToken(p, fixedName);
  const spec = p.spec as { volumes: unknown[]; containers: Array<{ volumeMounts: unknown[] }> };
  assert.deepEqual(spec.volumes, [{ name: 'kube-api-access-zzzzz', emptyDir: {} }]);
  assert.deepEqual(spec.containers[0]!.volumeMounts, [{ ...MOUNT, name: 'kube-api-access-zzzzz' }]);
});

test('the volume name gets five generated characters by default', () => {
  const p = pod({ containers: [{ name: 'a' }] });
  mountServiceAccountToken(p);
  assert.match((p.spec as { volumes: Array<{ name: string }> }).volumes[0]!.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('image pull secrets come from the account only when the pod has none', () => {
  const sa = account({ imagePullSecrets: [{ name: 'reg' }] });
  const a = pod({});
  copyImagePullSecrets(sa, a);
  assert.deepEqual((a.spec as { imagePullSecrets: unknown }).imagePullSecrets, [{ name: 'reg' }]);
  const b = pod({ imagePullSecrets: [{ name: 'own' }] });
  copyImagePullSecrets(sa, b);
  assert.deepEqual((b.spec as { imagePullSecrets: unknown }).imagePullSecrets, [{ name: 'own' }]);
  const c = pod({});
  copyImagePullSecrets(account(), c);
  assert.deepEqual(c.spec, {});
});

test('mirror pods may not name an account, a secret or a token projection', () => {
  const mirror = { 'kubernetes.io/config.mirror': 'hash' };
  assert.equal(mirrorPodProblem(pod({ containers: [{ name: 'a' }] }, mirror)), undefined);
  assert.equal(mirrorPodProblem(pod({ serviceAccountName: 'x' }, mirror)), 'a mirror pod may not reference service accounts');
  assert.equal(mirrorPodProblem(pod({ containers: [{ name: 'a', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }, mirror)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodProblem(pod({ volumes: [{ name: 'v', secret: { secretName: 's' } }] }, mirror)), 'a mirror pod may not reference secrets');
  assert.equal(mirrorPodProblem(pod({ volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, mirror)), 'a mirror pod may not use ServiceAccountToken volume projections');
});
