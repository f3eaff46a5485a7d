import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { admitMessage, kindOf } from '../testing.ts';

const DENIED = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ';

type Mutate = (svc: { metadata: KubeObject['metadata']; spec: { template: { metadata: { name?: string; annotations: Record<string, string> }; spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } }; traffic?: unknown[] } }) => void;

function ksvc(mutate: Mutate): KubeObject {
  const svc = {
    apiVersion: 'serving.knative.dev/v1', kind: 'Service',
    metadata: { name: 'hello', namespace: 'default' } as KubeObject['metadata'],
    spec: { template: { metadata: { annotations: {} as Record<string, string> }, spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go' }] as Array<Record<string, unknown>> } } } as Parameters<Mutate>[0]['spec'],
  };
  mutate(svc);
  return svc;
}

const ann = (key: string, value: string): Mutate => (s) => { s.spec.template.metadata.annotations[`autoscaling.knative.dev/${key}`] = value; };
const A = 'spec.template.metadata.annotations.autoscaling.knative.dev';

const CASES: Array<[string, Mutate, string]> = [
  ['traffic percentages must sum to 100', (s) => { s.spec.traffic = [{ latestRevision: true, percent: 90 }]; }, 'Traffic targets sum to 90, want 100: spec.traffic'],
  ['a tag may be defined once', (s) => { s.spec.traffic = [{ tag: 'a', percent: 50 }, { tag: 'a', percent: 50 }]; }, 'Multiple definitions for "a": spec.traffic[0].tag, spec.traffic[1].tag'],
  ['tags are DNS-1035 labels', (s) => { s.spec.traffic = [{ tag: 'A_b', percent: 100 }]; },
    "invalid value: not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]: spec.traffic.tag[0]"],
  ['revisionName with latestRevision: true', (s) => { s.spec.traffic = [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }]; },
    'may not set revisionName "hello-00001" when latestRevision is true: spec.traffic[0].latestRevision'],
  ['latestRevision: false without revisionName', (s) => { s.spec.traffic = [{ latestRevision: false, percent: 100 }]; },
    'may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision'],
  ['configurationName inside a Service', (s) => { s.spec.traffic = [{ configurationName: 'hello', percent: 100 }]; }, 'must not set the field(s): spec.traffic[0].configurationName'],
  ['percent within 0..100', (s) => { s.spec.traffic = [{ percent: 101 }]; }, 'Traffic targets sum to 101, want 100: spec.traffic\nexpected 0 <= 101 <= 100: spec.traffic[0].percent'],
  ['url only in status', (s) => { s.spec.traffic = [{ percent: 100, url: 'http://x' }]; }, 'must not set the field(s): spec.traffic[0].url'],
  ['min-scale must be an integer', ann('min-scale', 'abc'), `invalid value: abc: ${A}/min-scale`],
  ['min-scale must not be negative', ann('min-scale', '-1'), `expected 0 <= -1 <= 2147483647: ${A}/min-scale`],
  ['max-scale below min-scale', (s) => { ann('min-scale', '3')(s); ann('max-scale', '1')(s); }, `max-scale=1 is less than min-scale=3: ${A}/max-scale, ${A}/min-scale`],
  ['legacy minScale spelling is read too', ann('minScale', 'x'), `invalid value: x: ${A}/minScale`],
  ['target at least 0.01', ann('target', '0'), `target 0 should be at least 0.01: ${A}/target`],
  ['target must be a number', ann('target', 'ten'), `invalid value: ten: ${A}/target`],
  ['metric must suit the KPA', ann('metric', 'cpu'), `invalid value: cpu: ${A}/metric`],
  ['window at least 6s', ann('window', '5s'), `expected 6s <= 5s <= 1h0m0s: ${A}/window`],
  ['window whole seconds', ann('window', '10.5s'), `must be specified with at most second precision: ${A}/window`],
  ['window must parse', ann('window', 'soon'), `invalid value: soon: ${A}/window`],
  ['initial-scale 0 needs allow-zero-initial-scale', ann('initial-scale', '0'), `invalid value: 0: ${A}/initial-scale=0 not allowed by cluster`],
  ['initial-scale must be an integer', ann('initial-scale', 'one'), `invalid value: one: ${A}/initial-scale`],
  ['scale-down-delay whole seconds', ann('scale-down-delay', '1500ms'), `must be specified with at most second precision: ${A}/scale-down-delay`],
  ['scale-down-delay at most an hour', ann('scale-down-delay', '2h'), `expected 0s <= 2h <= 1h0m0s: ${A}/scale-down-delay`],
  ['unknown knative class', ann('class', 'foo.autoscaling.knative.dev'), `invalid value: foo.autoscaling.knative.dev: ${A}/class`],
  ['panic threshold range', ann('panic-threshold-percentage', '100'), `expected 110 <= 100 <= 1000: ${A}/panic-threshold-percentage`],
  ['target burst capacity', ann('target-burst-capacity', '-2'), `invalid value: -2: ${A}/target-burst-capacity`],
  ['activation-scale above 1', ann('activation-scale', '1'), `activation-scale=1 must be greater than 1: ${A}/activation-scale`],
  ['autoscaling annotations belong on the template', (s) => { s.metadata.annotations = { 'autoscaling.knative.dev/min-scale': '1' }; },
    'invalid key name "autoscaling.knative.dev/min-scale": metadata.annotations\nautoscaling annotations must be put under "spec.template.metadata.annotations" to work'],
  ['containerConcurrency at most 1000', (s) => { s.spec.template.spec.containerConcurrency = 1001; }, 'expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency'],
  ['containerConcurrency not negative', (s) => { s.spec.template.spec.containerConcurrency = -1; }, 'expected 0 <= -1 <= 1000: spec.template.spec.containerConcurrency'],
  ['timeoutSeconds at most 600', (s) => { s.spec.template.spec.timeoutSeconds = 601; }, 'expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds'],
  ['template name needs the service prefix', (s) => { s.spec.template.metadata.name = 'world-v1'; }, 'invalid value: "world-v1" must have prefix "hello-": spec.template.metadata.name'],
  ['template name is a DNS-1035 label', (s) => { s.spec.template.metadata.name = 'hello-V1'; },
    "invalid value: not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]: spec.template.metadata.name"],
  ['service name is a DNS-1035 label', (s) => { s.metadata.name = '1hello'; },
    "not a DNS 1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]: metadata.name"],
  ['an image is required', (s) => { s.spec.template.spec.containers = [{ name: 'c' }]; }, 'missing field(s): spec.template.spec.containers[0].image'],
  ['the image must parse', (s) => { s.spec.template.spec.containers = [{ image: 'Bad Image' }]; },
    'Failed to parse image reference: spec.template.spec.containers[0].image\nimage: "Bad Image", error: could not parse reference: Bad Image'],
  ['PORT is reserved', (s) => { s.spec.template.spec.containers[0]!.env = [{ name: 'PORT', value: '1' }]; }, '"PORT" is a reserved environment variable: spec.template.spec.containers[0].env[0].name'],
  ['queue-proxy ports are reserved', (s) => { s.spec.template.spec.containers[0]!.ports = [{ containerPort: 8012 }]; },
    'invalid value: 8012 is a reserved port: spec.template.spec.containers[0].ports.containerPort\n8012 is a reserved port, please use a different value'],
  ['port names are h2c or http1', (s) => { s.spec.template.spec.containers[0]!.ports = [{ name: 'grpc', containerPort: 9000 }]; },
    "Port name grpc is not allowed: spec.template.spec.containers[0].ports\nName must be empty, or one of: 'h2c', 'http1'"],
  ['feature-gated pod fields', (s) => { s.spec.template.spec.affinity = { nodeAffinity: {} , podAffinity: { x: 1 } }; }, 'must not set the field(s): spec.template.spec.affinity'],
  ['probes target the serving port', (s) => { s.spec.template.spec.containers[0]!.readinessProbe = { httpGet: { port: 'admin' } }; },
    'invalid value: admin: spec.template.spec.containers[0].readinessProbe.httpGet.port\nProbe port must match container port'],
  ['aggressive probes fix their own timeout', (s) => { s.spec.template.spec.containers[0]!.readinessProbe = { tcpSocket: {}, timeoutSeconds: 5 }; },
    'timeoutSeconds is disallowed when periodSeconds is zero: spec.template.spec.containers[0].readinessProbe.timeoutSeconds'],
  ['mounts need a volume', (s) => { s.spec.template.spec.containers[0]!.volumeMounts = [{ name: 'v', mountPath: '/v', readOnly: true }]; },
    'volumeMount has no matching volume: spec.template.spec.containers[0].volumeMounts[0].name'],
  ['one port across containers', (s) => {
    s.spec.template.spec.containers = [{ image: 'app/a', ports: [{ containerPort: 8080 }] }, { image: 'app/b', ports: [{ containerPort: 9000 }] }];
  }, 'more than one container port is set: spec.template.spec.containers[*].ports\nOnly a single port is allowed across all containers'],
  ['rollout duration', (s) => { s.metadata.annotations = { 'serving.knative.dev/rollout-duration': '1.5s' }; }, 'rollout-duration=1.5s is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration'],
];

describe('Service validation messages (validation.webhook.serving.knative.dev)', () => {
  for (const [name, mutate, message] of CASES) {
    it(name, () => assert.equal(admitMessage(ksvc(mutate)), DENIED + message));
  }

  it('accepts any networking.knative.dev/visibility value (Knative stopped validating it in 1.1)', () => {
    assert.equal(admitMessage(ksvc((s) => { s.metadata.labels = { 'networking.knative.dev/visibility': 'cluster-local' }; })), undefined);
    assert.equal(admitMessage(ksvc((s) => { s.metadata.labels = { 'networking.knative.dev/visibility': 'private' }; })), undefined);
  });

  it('accepts valid autoscaling annotations and BYO names', () => {
    assert.equal(admitMessage(ksvc((s) => {
      s.spec.template.metadata.name = 'hello-v1';
      Object.assign(s.spec.template.metadata.annotations, {
        'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '5', 'autoscaling.knative.dev/target': '10',
        'autoscaling.knative.dev/metric': 'rps', 'autoscaling.knative.dev/window': '60s', 'autoscaling.knative.dev/initial-scale': '2',
        'autoscaling.knative.dev/scale-down-delay': '15m', 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      });
      s.spec.traffic = [{ tag: 'current', revisionName: 'hello-v1', percent: 80 }, { latestRevision: true, percent: 20 }];
    })), undefined);
  });

  it('requires a BYO revision name to change with the template', () => {
    const old = ksvc((s) => { s.spec.template.metadata.name = 'hello-v1'; });
    admitMessage(old);
    const changed = ksvc((s) => { s.spec.template.metadata.name = 'hello-v1'; s.spec.template.spec.containers[0]!.image = 'gcr.io/x/other'; });
    const msg = admitMessage(changed, { operation: 'update', old });
    assert.ok(msg?.startsWith(`${DENIED}Saw the following changes without a name change (-old +new): spec.template.metadata.name\n`), msg);
    assert.ok(msg?.includes('gcr.io/x/other'));
  });

  it('protects the creator annotation', () => {
    const old = ksvc(() => {});
    admitMessage(old, { operation: 'create', user: 'alice' });
    const next = structuredClone(old);
    next.metadata.annotations!['serving.knative.dev/creator'] = 'mallory';
    assert.equal(admitMessage(next, { operation: 'update', old, user: 'alice' }), `${DENIED}annotation value is immutable: metadata.annotations.serving.knative.dev/creator`);
  });

  it('skips spec checks on status updates', () => {
    const bad = ksvc((s) => { s.spec.traffic = [{ percent: 1 }]; });
    assert.equal(admitMessage(bad, { operation: 'status', old: structuredClone(bad) }, false), undefined);
  });

  it('warns about insecure default security contexts', () => {
    const svc = ksvc(() => {});
    kindOf('Service', 'serving.knative.dev').defaults!(svc);
    const c = 'spec.template.spec.containers[0].securityContext';
    assert.deepEqual(kindOf('Service', 'serving.knative.dev').warnings!(svc, { operation: 'create' }), [
      `Kubernetes default value is insecure, Knative may default this to secure in a future release: ${c}.allowPrivilegeEscalation, ${c}.capabilities, ${c}.runAsNonRoot, ${c}.seccompProfile`,
    ]);
  });
});

describe('Route, Revision and Configuration validation', () => {
  const route = (traffic: unknown[]): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'r', namespace: 'd' }, spec: { traffic } });

  it('needs a target per entry', () => {
    assert.equal(admitMessage(route([{ percent: 100 }])), `${DENIED}expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName`);
    assert.equal(admitMessage(route([{ revisionName: 'a', configurationName: 'b', percent: 100 }])),
      `${DENIED}expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName`);
    assert.equal(admitMessage(route([])), `${DENIED}Traffic targets sum to 0, want 100: spec.traffic`);
    assert.equal(admitMessage(route([{ configurationName: 'c', percent: 100 }])), undefined);
  });

  it('keeps a Revision spec immutable', () => {
    const rev = (image: string): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'hello-00001', namespace: 'd' }, spec: { containers: [{ image }] } });
    const old = rev('gcr.io/a/b');
    assert.equal(admitMessage(old), undefined);
    const changed = structuredClone(old);
    (changed.spec as { containers: Array<{ image: string }> }).containers[0]!.image = 'gcr.io/a/c';
    const msg = admitMessage(changed, { operation: 'update', old });
    assert.equal(msg, `${DENIED}Immutable fields changed (-old +new): spec\n{v1.RevisionSpec}.PodSpec.Containers[0].Image:\n\t-: "gcr.io/a/b"\n\t+: "gcr.io/a/c"\n`);
    assert.equal(admitMessage(structuredClone(old), { operation: 'update', old }), undefined);
  });

  it('checks the service label of a Configuration against its owners', () => {
    const cfg: KubeObject = {
      apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name: 'hello', namespace: 'd', labels: { 'serving.knative.dev/service': 'hello' } },
      spec: { template: { spec: { containers: [{ image: 'a/b' }] } } },
    };
    assert.equal(admitMessage(cfg), `${DENIED}missing field(s): metadata.labels.serving.knative.dev/service`);
  });

  it('checks DomainMapping names and refs', () => {
    const dm = (name: string, ref: Record<string, string>): KubeObject => ({ apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name, namespace: 'd' }, spec: { ref } });
    const ref = { name: 'hello', kind: 'Service', apiVersion: 'serving.knative.dev/v1' };
    assert.equal(admitMessage(dm('example.com', ref)), undefined);
    assert.equal(admitMessage(dm('hello.d.svc.cluster.local', ref)),
      `${DENIED}invalid name "hello.d.svc.cluster.local": must not be a subdomain of cluster local domain "cluster.local": metadata.name`);
    assert.equal(admitMessage(dm('example.com', { ...ref, namespace: 'other' })),
      `${DENIED}mismatched namespaces: spec.ref.namespace\nparent namespace: "d" does not match ref: "other"`);
  });
});
