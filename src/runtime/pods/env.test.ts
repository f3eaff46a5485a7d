import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { ContainerConfigError, containerEnvironment, formatMap, type EnvSources, type PodFacts } from './env.ts';
import { expand } from './expansion.ts';
import { serviceEnvironment } from './service-env.ts';

const facts: PodFacts = { podIPs: ['127.244.0.7'], hostIPs: ['127.0.0.1'], nodeName: 'skiff-node', allocatable: { cpu: 2, memory: 8 * 2 ** 30, 'ephemeral-storage': 10 * 2 ** 30 } };
const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data });
const secret = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'ns' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) });
const svc = (namespace: string, name: string, clusterIP: string, ports: object[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP, ports } });

const sources = (objects: KubeObject[] = []): EnvSources => ({
  configMap: (ns, name) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === ns && o.metadata.name === name),
  secret: (ns, name) => objects.find((o) => o.kind === 'Secret' && o.metadata.namespace === ns && o.metadata.name === name),
  services: () => objects.filter((o) => o.kind === 'Service'),
});
const pod = (spec: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns', uid: 'u-1', labels: { app: 'web', tier: 'a' }, annotations: { note: 'x' } }, spec: { containers: [], ...spec } });

test('$(VAR) expansion follows Kubernetes', () => {
  const vars = new Map([['A', 'alpha'], ['B', 'beta']]);
  const look = (n: string) => vars.get(n);
  assert.equal(expand('$(A)-$(B)', look), 'alpha-beta');
  assert.equal(expand('$(MISSING)', look), '$(MISSING)');
  assert.equal(expand('$$(A)', look), '$(A)');
  assert.equal(expand('$$', look), '$');
  assert.equal(expand('cost: $5 $(A', look), 'cost: $5 $(A');
  assert.equal(expand('end$', look), 'end$');
});

test('values, references, fields and resources', () => {
  const env = containerEnvironment(pod(), {
    name: 'main',
    resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
    env: [
      { name: 'GREETING', value: 'hi' },
      { name: 'MSG', value: '$(GREETING) $(POD_NAME) $(NOPE)' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'color' } } },
      { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k', optional: true } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
    ],
  }, sources([cm('cfg', { color: 'blue' }), secret('creds', { password: 's3cret' })]), facts);
  assert.deepEqual(Object.fromEntries(env), {
    GREETING: 'hi', MSG: 'hi $(POD_NAME) $(NOPE)', POD_NAME: 'web', POD_IP: '127.244.0.7', APP: 'web', COLOR: 'blue', PASS: 's3cret', MEM_MI: '64', CPU_LIMIT: '2', CPU_REQ_M: '250',
  });
});

test('envFrom comes first, with prefixes; env overrides it', () => {
  const env = containerEnvironment(pod(), {
    name: 'main',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'creds' } }, { configMapRef: { name: 'gone', optional: true } }],
    env: [{ name: 'color', value: 'red' }],
  }, sources([cm('cfg', { color: 'blue', size: 'L' }), secret('creds', { user: 'me' })]), facts);
  assert.deepEqual(env, [['color', 'red'], ['size', 'L'], ['S_user', 'me']]);
});

test('missing references are container config errors with the kubelet messages', () => {
  const fails = (env: object[], message: string) => assert.throws(() => containerEnvironment(pod(), { name: 'c', env: env as never }, sources([cm('cfg', {})]), facts), (err: unknown) => err instanceof ContainerConfigError && err.message === message);
  fails([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }], 'configmap "nope" not found');
  fails([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }], "couldn't find key k in ConfigMap ns/cfg");
  fails([{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }], 'secret "nope" not found');
  assert.throws(() => containerEnvironment(pod(), { name: 'c', envFrom: [{ secretRef: { name: 'nope' } }] }, sources(), facts), /secret "nope" not found/);
});

test('service links: namespace services when enabled, kubernetes always', () => {
  const services = [svc('ns', 'redis-primary', '127.96.0.5', [{ name: 'db', port: 6379, protocol: 'TCP' }]), svc('ns', 'headless', 'None', [{ port: 80 }]), svc('default', 'kubernetes', '127.96.0.1', [{ name: 'https', port: 443 }]), svc('other', 'x', '127.96.0.9', [{ port: 1 }])];
  const env = serviceEnvironment(services, 'ns', true);
  assert.equal(env.get('REDIS_PRIMARY_SERVICE_HOST'), '127.96.0.5');
  assert.equal(env.get('REDIS_PRIMARY_SERVICE_PORT'), '6379');
  assert.equal(env.get('REDIS_PRIMARY_SERVICE_PORT_DB'), '6379');
  assert.equal(env.get('REDIS_PRIMARY_PORT'), 'tcp://127.96.0.5:6379');
  assert.equal(env.get('REDIS_PRIMARY_PORT_6379_TCP_ADDR'), '127.96.0.5');
  assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '127.96.0.1');
  assert.equal([...env.keys()].some((k) => k.startsWith('HEADLESS') || k.startsWith('X_')), false);
  assert.deepEqual([...serviceEnvironment(services, 'ns', false).keys()].filter((k) => k.startsWith('REDIS')), []);
});

test('downward API maps print as key="value" lines', () => {
  assert.equal(formatMap({ tier: 'a', app: 'w"x' }), 'app="w\\"x"\ntier="a"');
});
