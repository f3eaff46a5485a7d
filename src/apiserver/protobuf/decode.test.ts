import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { decodeKubernetesProtobuf, supportedProtobufKinds } from './decode.ts';
import { bytes, fixed32, kubernetesEnvelope, message, packed, stringMapEntry, varint } from './testing/wire-writer.ts';

/** ObjectMeta as gogo writes it for a fresh object: every non-pointer field, even empty. */
function gogoMeta(name: string, ...more: Buffer[]): Buffer {
  return message(1, bytes(1, name), bytes(2, ''), bytes(3, ''), bytes(4, ''), bytes(5, ''), bytes(6, ''), varint(7, 0), message(8), ...more);
}

function expectCode(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isSkiffError(err), `expected a SkiffError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('decodeKubernetesProtobuf', () => {
  it('decodes a Secret: bytes become base64, empty gogo fields disappear, an absent pointer stays absent', () => {
    const raw = Buffer.concat([
      gogoMeta('tls'),
      message(2, bytes(1, 'tls.crt'), bytes(2, Buffer.from([0xff, 0x00, 0x10]))),
      message(2, bytes(1, 'empty'), bytes(2, '')),
      bytes(3, 'kubernetes.io/tls'),
    ]);
    const obj = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Secret', raw));
    assert.deepEqual(obj, {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'tls', creationTimestamp: null },
      data: { 'tls.crt': '/wAQ', empty: '' },
      type: 'kubernetes.io/tls',
    });
    assert.deepEqual(Object.keys(obj), ['kind', 'apiVersion', 'metadata', 'data', 'type']);
  });

  it('keeps a pointer that is present even when it holds the zero value', () => {
    const raw = Buffer.concat([gogoMeta('c'), varint(4, false), stringMapEntry(2, 'k', 'v'), message(3, bytes(1, 'bin'), bytes(2, Buffer.from('hi')))]);
    assert.deepEqual(decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'ConfigMap', raw)), {
      kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', creationTimestamp: null },
      immutable: false, data: { k: 'v' }, binaryData: { bin: 'aGk=' },
    });
  });

  it('decodes every ObjectMeta field', () => {
    const meta = message(1,
      bytes(1, 'web'), bytes(2, 'web-'), bytes(3, 'prod'), bytes(4, ''), bytes(5, 'u-1'), bytes(6, '42'), varint(7, 3),
      message(8, varint(1, 1_700_000_000), varint(2, 999_999_999)),
      message(9, varint(1, 1_700_000_060)),
      varint(10, 30),
      stringMapEntry(11, 'app', 'web'), stringMapEntry(11, 'tier', 'front'),
      stringMapEntry(12, 'note', 'a=b'),
      message(13, bytes(1, 'ReplicaSet'), bytes(3, 'web-1'), bytes(4, 'u-0'), bytes(5, 'apps/v1'), varint(6, true), varint(7, true)),
      bytes(14, 'example.com/a'), bytes(14, 'example.com/b'),
      message(17, bytes(1, 'kubectl'), bytes(2, 'Update'), bytes(3, 'v1'), message(4, varint(1, 0)), bytes(6, 'FieldsV1'), message(7, bytes(1, '{"f:data":{}}')), bytes(8, '')),
    );
    const obj = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'ConfigMap', meta));
    assert.deepEqual(obj.metadata, {
      name: 'web', generateName: 'web-', namespace: 'prod', uid: 'u-1', resourceVersion: '42', generation: 3,
      creationTimestamp: '2023-11-14T22:13:20Z',
      deletionTimestamp: '2023-11-14T22:14:20Z',
      deletionGracePeriodSeconds: 30,
      labels: { app: 'web', tier: 'front' },
      annotations: { note: 'a=b' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u-0', controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/a', 'example.com/b'],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
    });
  });

  it('decodes a Deployment: inline structs, IntOrString, Quantity, packed and unpacked repeated varints, negative int32', () => {
    const container = message(2,
      bytes(1, 'app'), bytes(2, 'registry.example/app:1'),
      bytes(3, '/bin/app'), bytes(4, '--port'), bytes(4, '8080'),
      message(6, bytes(1, 'http'), varint(3, 8080), bytes(4, 'TCP')),
      message(7, bytes(1, 'TOKEN'), message(3, message(4, message(1, bytes(1, 'creds')), bytes(2, 'token'), varint(3, true)))),
      message(8, message(1, bytes(1, 'cpu'), message(2, bytes(1, '500m'))), message(2, bytes(1, 'memory'), message(2, bytes(1, '64Mi')))),
      message(9, bytes(1, 'config'), bytes(3, '/etc/app')),
      message(11, message(1, message(2, bytes(1, '/healthz'), message(2, varint(1, 1), bytes(3, 'http')))), varint(4, 5)),
      message(15, varint(4, 1000)),
    );
    const podSpec = Buffer.concat([
      message(1, bytes(1, 'config'), message(2, message(19, message(1, bytes(1, 'app-config')), varint(3, 0o644)))),
      container,
      bytes(3, 'Always'),
      message(14, packed(4, [1, 2]), varint(4, 3)),
    ]);
    const spec = Buffer.concat([
      varint(1, -1),
      message(2, stringMapEntry(1, 'app', 'web')),
      message(3, gogoMeta('', stringMapEntry(11, 'app', 'web')), message(2, podSpec)),
      message(4, bytes(1, 'RollingUpdate'), message(2, message(1, varint(1, 0), varint(2, 1)), message(2, varint(1, 1), bytes(3, '25%')))),
    ]);
    const obj = decodeKubernetesProtobuf(kubernetesEnvelope('apps/v1', 'Deployment', Buffer.concat([gogoMeta('web'), message(2, spec), message(3)])));
    assert.deepEqual(obj.spec, {
      replicas: -1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          volumes: [{ name: 'config', configMap: { name: 'app-config', defaultMode: 0o644 } }],
          containers: [{
            name: 'app', image: 'registry.example/app:1', command: ['/bin/app'], args: ['--port', '8080'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: true } } }],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            securityContext: { runAsUser: 1000 },
          }],
          restartPolicy: 'Always',
          securityContext: { supplementalGroups: [1, 2, 3] },
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
    });
    assert.deepEqual(obj.status, {});
  });

  it('writes null for non-omitempty fields that are absent (Deployment selector, PodSpec containers)', () => {
    const deployment = decodeKubernetesProtobuf(kubernetesEnvelope('apps/v1', 'Deployment', gogoMeta('d')));
    assert.deepEqual(deployment.spec, { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} });
    const pod = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Pod', gogoMeta('p')));
    assert.deepEqual(pod.spec, { containers: null });
    assert.deepEqual(pod.status, {});
  });

  it('writes zero for non-omitempty scalars and IntOrString', () => {
    const service = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Service', message(2, message(1, bytes(1, 'p')))));
    assert.deepEqual(service.spec, { ports: [{ name: 'p', port: 0, targetPort: 0 }] });
  });

  it('keeps `__proto__` as an ordinary map key', () => {
    const obj = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'ConfigMap', Buffer.concat([gogoMeta('c'), stringMapEntry(2, '__proto__', 'x')])));
    const data = obj.data as Record<string, unknown>;
    assert.deepEqual(Object.keys(data), ['__proto__']);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
  });

  it('ignores unknown fields that carry nothing and refuses ones that carry data', () => {
    const quiet = decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Namespace', Buffer.concat([gogoMeta('n'), bytes(40, ''), varint(41, 0)])));
    assert.equal(quiet.metadata.name, 'n');
    expectCode(() => decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Namespace', Buffer.concat([gogoMeta('n'), bytes(40, 'x')]))),
      'SKF_API_UNSUPPORTED_MEDIA_TYPE', /field number 40 is not known to skiff \(in Namespace\).*kubectl apply -f -/);
  });

  it('refuses a field skiff does not decode, naming it and where it is', () => {
    const podSpec = Buffer.concat([message(2, bytes(1, 'c')), message(18, message(1, bytes(1, 'x')))]);
    const body = kubernetesEnvelope('apps/v1', 'Deployment', message(2, message(3, message(2, podSpec))));
    expectCode(() => decodeKubernetesProtobuf(body), 'SKF_API_UNSUPPORTED_MEDIA_TYPE', /field "affinity" is not supported \(in PodSpec at spec\.template\.spec\)/);
  });

  it('refuses kinds it does not decode with the JSON workaround', () => {
    expectCode(() => decodeKubernetesProtobuf(kubernetesEnvelope('batch/v1', 'Job', gogoMeta('j'))),
      'SKF_API_UNSUPPORTED_MEDIA_TYPE', /protobuf request bodies for Job \(batch\/v1\).*--dry-run=client -o yaml \| kubectl apply -f -/);
    expectCode(() => decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Secret', gogoMeta('s'), { contentEncoding: 'gzip' })),
      'SKF_API_UNSUPPORTED_MEDIA_TYPE', /content encoding "gzip"/);
  });

  it('reports malformed bodies as SKF_API_MALFORMED_BODY', () => {
    expectCode(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Secret"}')), 'SKF_API_MALFORMED_BODY', /magic bytes/);
    const good = kubernetesEnvelope('v1', 'Secret', gogoMeta('s'));
    expectCode(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 10)), 'SKF_API_MALFORMED_BODY', /claims \d+ bytes/);
    expectCode(() => decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytes(2, '')])), 'SKF_API_MALFORMED_BODY', /no apiVersion and kind/);
    expectCode(() => decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Secret', fixed32(3, 7))), 'SKF_API_MALFORMED_BODY', /expected length-delimited/);
    expectCode(() => decodeKubernetesProtobuf(kubernetesEnvelope('v1', 'Secret', Buffer.from([0x08, 0xff]))), 'SKF_API_MALFORMED_BODY', /runs past the end/);
  });

  it('lists the supported kinds', () => {
    assert.deepEqual(supportedProtobufKinds().map((k) => `${k.apiVersion}/${k.kind}`).sort(), [
      'apps/v1/Deployment',
      'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
      'v1/ConfigMap', 'v1/Namespace', 'v1/Pod', 'v1/Secret', 'v1/Service', 'v1/ServiceAccount',
    ]);
  });
});
