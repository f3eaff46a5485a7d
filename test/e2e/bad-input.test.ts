/**
 * Bad input end to end, with the real kubectl and curl: invalid objects answer 422 with every
 * offending field in kube-apiserver's words, unknown fields follow kubectl's --validate mode,
 * malformed bodies answer 400, oversized ones 413, invalid names and immutable-field changes
 * 422, stale writes 409 — every error is a Status with skiff's code in X-Skiff-Error-Code,
 * and after each rejection the store holds exactly what it held before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS, type ErrorCode } from '../../src/errors/catalog.ts';
import { curlFor, type CurlAnswer, type CurlRequest } from '../support/https.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const DNS1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

interface StatusBody {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field: string }[] };
}

/** Asserts a Kubernetes error answer: status code, Status body, and skiff's catalog code. */
function assertStatusError(answer: CurlAnswer, code: ErrorCode): StatusBody {
  const spec = ERRORS[code];
  assert.equal(answer.status, spec.status, answer.body);
  assert.equal(answer.headers['x-skiff-error-code'], code);
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
  const body = JSON.parse(answer.body) as StatusBody;
  assert.equal(body.kind, 'Status');
  assert.equal(body.apiVersion, 'v1');
  assert.equal(body.status, 'Failure');
  assert.equal(body.reason, spec.reason);
  assert.equal(body.code, spec.status);
  assert.ok(body.message.length > 0);
  return body;
}

function deployment(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec };
}

const podTemplate = (labels: Record<string, string>, containers: unknown[] = [{ name: 'web', image: 'nginx' }]) => ({ metadata: { labels }, spec: { containers } });

describe('bad input is rejected with a clear error and nothing is stored', () => {
  let s: TestSkiff;
  let curl: (req: CurlRequest) => Promise<CurlAnswer>;

  const postJson = (path: string, body: unknown, query = '') => curl({ method: 'POST', path: path + query, contentType: 'application/json', body: JSON.stringify(body) });
  const kubectlApply = (yaml: string, ...flags: string[]) => s.kubectl(['apply', '-f', '-', ...flags], { stdin: yaml });

  /** kubectl get of an object that must not exist. */
  const assertAbsent = async (resource: string, name: string, namespace = 'default') => {
    const r = await s.kubectl(['get', resource, name, '-n', namespace]);
    assert.notEqual(r.code, 0, `${resource}/${name} was stored`);
    assert.match(r.stderr, /\(NotFound\)/);
  };
  /** A field of a stored object, read with kubectl: `path` is dotted, list indices as numbers. */
  const stored = async (resource: string, name: string, path: string, namespace = 'default'): Promise<unknown> => {
    const object: unknown = JSON.parse(await s.kubectl.ok(['get', resource, name, '-n', namespace, '-o', 'json']));
    return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
  };

  before(async () => {
    s = await startTestSkiff();
    curl = curlFor(s.dataDir, s.skiff.info.apiServer);
    await s.kubectl.ok(['create', 'namespace', 'mesh-a']);
  });
  after(async () => {
    await s?.stop();
  });

  describe('422 Invalid lists every offending field', () => {
    it('for a built-in kind: the Status causes and kubectl print every problem', async () => {
      const bad = deployment('bad', { replicas: -1, selector: { matchLabels: { app: 'bad' } }, template: podTemplate({ app: 'bad' }, [{ name: 'Bad_Name', image: 'nginx' }]) });
      const causes = [
        { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
        { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${DNS1123_LABEL}`, field: 'spec.template.spec.containers[0].name' },
      ];
      const status = assertStatusError(await postJson(DEPLOYMENTS, bad, '?fieldValidation=Strict'), 'SKF_API_INVALID');
      assert.equal(status.message, `Deployment.apps "bad" is invalid: [spec.replicas: ${causes[0]!.message}, spec.template.spec.containers[0].name: ${causes[1]!.message}]`);
      assert.deepEqual(status.details, { name: 'bad', group: 'apps', kind: 'Deployment', causes });

      const r = await kubectlApply(JSON.stringify(bad));
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `The Deployment "bad" is invalid: \n* spec.replicas: ${causes[0]!.message}\n* spec.template.spec.containers[0].name: ${causes[1]!.message}\n`);
      await assertAbsent('deployment', 'bad');
    });

    it('reports metadata and spec problems of a built-in kind together, as one validation pass', async () => {
      const r = await kubectlApply(JSON.stringify(deployment('Bad', { replicas: -1, selector: { matchLabels: { app: 'x' } }, template: podTemplate({ app: 'x' }) })));
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `The Deployment "Bad" is invalid: \n* metadata.name: Invalid value: "Bad": ${DNS1123_SUBDOMAIN}\n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n`);
    });

    it('reports missing required fields (and what follows from them) for built-in kinds', async () => {
      // A nil selector selects nothing, so the template's labels do not match it either.
      const noSelector = await kubectlApply(JSON.stringify(deployment('nosel', { template: podTemplate({ app: 'web' }) })));
      assert.equal(noSelector.stderr, 'The Deployment "nosel" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`\n');
      await assertAbsent('deployment', 'nosel');

      const noImage = await kubectlApply('apiVersion: v1\nkind: Pod\nmetadata: {name: noimage}\nspec:\n  containers: [{name: app}]\n');
      assert.equal(noImage.stderr, 'The Pod "noimage" is invalid: spec.containers[0].image: Required value\n');
      const status = assertStatusError(await postJson('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'noimage' }, spec: { containers: [{ name: 'app' }] } }), 'SKF_API_INVALID');
      assert.deepEqual(status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
      await assertAbsent('pod', 'noimage');
    });

    it('reports unsupported enum values of a built-in kind with the supported ones', async () => {
      const r = await kubectlApply('apiVersion: v1\nkind: Service\nmetadata: {name: enums}\nspec:\n  type: Balanced\n  ports: [{port: 80, protocol: XTP}]\n');
      assert.equal(r.stderr, 'The Service "enums" is invalid: \n* spec.ports[0].protocol: Unsupported value: "XTP": supported values: "SCTP", "TCP", "UDP"\n* spec.type: Unsupported value: "Balanced": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"\n');
      await assertAbsent('service', 'enums');
    });

    it("for a seed kind: the CRD schema's type error, worded as kube-apiserver words it", async () => {
      const smcp = { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', metadata: { name: 'basic', namespace: 'istio-system' }, spec: { version: 'v2.5', security: { dataPlane: { mtls: 'yes' } } } };
      const detail = 'Invalid value: "string": spec.security.dataPlane.mtls in body must be of type boolean: "string"';
      const status = assertStatusError(await postJson('/apis/maistra.io/v2/namespaces/istio-system/servicemeshcontrolplanes', smcp), 'SKF_API_INVALID');
      assert.equal(status.message, `ServiceMeshControlPlane.maistra.io "basic" is invalid: spec.security.dataPlane.mtls: ${detail}`);
      assert.deepEqual(status.details, { name: 'basic', group: 'maistra.io', kind: 'ServiceMeshControlPlane', causes: [{ reason: 'FieldValueTypeInvalid', message: detail, field: 'spec.security.dataPlane.mtls' }] });

      const r = await kubectlApply(JSON.stringify(smcp));
      assert.equal(r.stderr, `The ServiceMeshControlPlane "basic" is invalid: spec.security.dataPlane.mtls: ${detail}\n`);
      await assertAbsent('smcp', 'basic', 'istio-system');
    });

    it('for seed kinds: enum violations, several problems at once, and required fields', async () => {
      const pa = 'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: pa, namespace: mesh-a}\nspec:\n  mtls: {mode: SOMETIMES}\n';
      assert.equal((await kubectlApply(pa)).stderr, 'The PeerAuthentication "pa" is invalid: spec.mtls.mode: Unsupported value: "SOMETIMES": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"\n');

      const several = 'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: pa, namespace: mesh-a}\nspec:\n  mtls: {mode: SOMETIMES}\n  selector: {matchLabels: {app: 7}}\n';
      const r = await kubectlApply(several);
      assert.match(r.stderr, /^The PeerAuthentication "pa" is invalid: \n/);
      assert.match(r.stderr, /^\* spec\.mtls\.mode: Unsupported value: "SOMETIMES": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"$/m);
      assert.match(r.stderr, /^\* spec\.selector\.matchLabels\.app: Invalid value: "integer": spec\.selector\.matchLabels\.app in body must be of type string: "integer"$/m);
      assert.equal(r.stderr.split('\n* ').length, 3, r.stderr);
      await assertAbsent('peerauthentication', 'pa', 'mesh-a');

      const smm = (spec: string) => `apiVersion: maistra.io/v1\nkind: ServiceMeshMember\nmetadata: {name: default, namespace: mesh-a}\n${spec}`;
      assert.equal((await kubectlApply(smm('spec: {}\n'))).stderr, 'The ServiceMeshMember "default" is invalid: spec.controlPlaneRef: Required value\n');
      assert.equal((await kubectlApply(smm(''))).stderr, 'The ServiceMeshMember "default" is invalid: spec: Required value\n');
      await assertAbsent('smm', 'default', 'mesh-a');
    });
  });

  describe('unknown fields follow the field validation mode', () => {
    const cmWithFoo = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: "${value}"}\nfoo: bar\n`;
    const deployWithUnknowns = (name: string) => JSON.stringify(deployment(name, { foo: 1, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }, [{ name: 'web', image: 'nginx', bogus: true }]) }));
    const smmrWithFoo = (members: string) => `apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata: {name: default, namespace: istio-system}\nspec:\n  members: [${members}]\n  foo: bar\n`;

    it('kubectl apply (Strict by default) rejects them on create, naming each field', async () => {
      const cm = await kubectlApply(cmWithFoo('strict-cm', '1'));
      assert.equal(cm.stderr, 'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"\n');
      const deploy = await kubectlApply(deployWithUnknowns('strict-deploy'));
      assert.equal(deploy.stderr, 'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bogus"\n');
      const smmr = await kubectlApply(smmrWithFoo('mesh-a'));
      assert.equal(smmr.stderr, 'Error from server (BadRequest): error when creating "STDIN": ServiceMeshMemberRoll in version "v1" cannot be handled as a ServiceMeshMemberRoll: strict decoding error: unknown field "spec.foo"\n');
      await assertAbsent('configmap', 'strict-cm');
      await assertAbsent('deployment', 'strict-deploy');
      await assertAbsent('smmr', 'default', 'istio-system');

      const status = assertStatusError(await postJson(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict-cm' }, spec: { foo: 1 } }, '?fieldValidation=Strict'), 'SKF_API_UNKNOWN_FIELD');
      assert.equal(status.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
    });

    it('kubectl apply rejects them when patching an existing object, which stays intact', async () => {
      await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: patched-cm}\ndata: {a: "1"}\n' });
      const cm = await kubectlApply(cmWithFoo('patched-cm', '2'));
      assert.equal(cm.code, 1);
      // kube-apiserver's patch handler reports strict decoding errors of the patched object as
      // 422 on the `patch` field; kubectl then prints the single cause.
      assert.match(cm.stderr, /^The request is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "foo"\n$/);
      assert.deepEqual(await stored('configmap', 'patched-cm', 'data'), { a: '1' });

      await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata: {name: default, namespace: istio-system}\nspec:\n  members: [mesh-a]\n' });
      const smmr = await kubectlApply(smmrWithFoo('mesh-a, mesh-b'));
      assert.match(smmr.stderr, /^The request is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "spec\.foo"\n$/);
      assert.deepEqual(await stored('smmr', 'default', 'spec', 'istio-system'), { members: ['mesh-a'] });

      const status = assertStatusError(await curl({ method: 'PATCH', path: `${CONFIGMAPS}/patched-cm?fieldValidation=Strict`, contentType: 'application/merge-patch+json', body: '{"data":{"a":"3"},"spec":{"x":1}}' }), 'SKF_API_INVALID');
      assert.equal(status.details?.causes?.length, 1);
      assert.equal(status.details?.causes?.[0]?.field, 'patch');
      assert.match(status.details?.causes?.[0]?.message ?? '', /^Invalid value: ".*": strict decoding error: unknown field "spec"$/);
      assert.deepEqual(await stored('configmap', 'patched-cm', 'data'), { a: '1' });
    });

    it('repeated keys in a JSON body are strict decoding errors under Strict and warnings under Warn, as sigs.k8s.io/json reports them', async () => {
      // JSON.parse keeps the last of a repeated key; kube-apiserver's strict decoder names it.
      // Under a field Go's struct decoder does not know (`bar`), it reports the unknown field alone.
      const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice","labels":{"a":"1","a":"2"}},"data":{"k":"1","k":"2"},"foo":1,"bar":{"x":1,"x":2}}';
      const strict = assertStatusError(await curl({ method: 'POST', path: `${CONFIGMAPS}?fieldValidation=Strict`, contentType: 'application/json', body }), 'SKF_API_UNKNOWN_FIELD');
      assert.equal(strict.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.labels.a", duplicate field "data.k", unknown field "bar", unknown field "foo"');
      await assertAbsent('configmap', 'twice');
      const warned = await curl({ method: 'POST', path: `${CONFIGMAPS}?fieldValidation=Warn`, contentType: 'application/json', body });
      assert.equal(warned.status, 201, warned.body);
      assert.deepEqual(warned.warnings.map((w) => w.replace(/^299 - /, '')), ['"duplicate field \\"metadata.labels.a\\""', '"duplicate field \\"data.k\\""', '"unknown field \\"bar\\""', '"unknown field \\"foo\\""']);
      assert.deepEqual(await stored('configmap', 'twice', 'data'), { k: '2' });
      const ignored = await curl({ method: 'PUT', path: `${CONFIGMAPS}/twice?fieldValidation=Ignore`, contentType: 'application/json', body });
      assert.equal(ignored.status, 200, ignored.body);
      assert.deepEqual(ignored.warnings, []);
    });

    it('--validate=warn stores the object without them and prints a warning per field', async () => {
      const cm = await kubectlApply(cmWithFoo('warn-cm', '1'), '--validate=warn');
      assert.equal(cm.code, 0, cm.stderr);
      assert.equal(cm.stderr, 'Warning: unknown field "foo"\n');
      assert.equal(await stored('configmap', 'warn-cm', 'foo'), undefined);

      const deploy = await kubectlApply(deployWithUnknowns('warn-deploy'), '--validate=warn');
      assert.equal(deploy.code, 0, deploy.stderr);
      assert.equal(deploy.stderr, 'Warning: unknown field "spec.foo"\nWarning: unknown field "spec.template.spec.containers[0].bogus"\n');
      assert.equal(await stored('deployment', 'warn-deploy', 'spec.foo'), undefined);
      assert.equal(await stored('deployment', 'warn-deploy', 'spec.template.spec.containers.0.name'), 'web');
      assert.equal(await stored('deployment', 'warn-deploy', 'spec.template.spec.containers.0.bogus'), undefined);

      const patched = await kubectlApply(cmWithFoo('patched-cm', '2'), '--validate=warn');
      assert.equal(patched.code, 0, patched.stderr);
      assert.equal(patched.stderr, 'Warning: unknown field "foo"\n');
      assert.deepEqual(await stored('configmap', 'patched-cm', 'data'), { a: '2' });

      const smmr = await kubectlApply(smmrWithFoo('mesh-a'), '--validate=warn');
      assert.equal(smmr.code, 0, smmr.stderr);
      assert.equal(smmr.stderr, 'Warning: unknown field "spec.foo"\n');
    });

    it('--validate=false drops them silently', async () => {
      const cm = await kubectlApply(cmWithFoo('quiet-cm', '1'), '--validate=false');
      assert.equal(cm.code, 0, cm.stderr);
      assert.equal(cm.stderr, '');
      assert.equal(await stored('configmap', 'quiet-cm', 'foo'), undefined);
      const deploy = await kubectlApply(deployWithUnknowns('quiet-deploy'), '--validate=false');
      assert.equal(deploy.stderr, '');
      assert.equal(await stored('deployment', 'quiet-deploy', 'spec.foo'), undefined);
      const smmr = await kubectlApply(smmrWithFoo('mesh-b'), '--validate=false');
      assert.equal(smmr.stderr, '');
      assert.deepEqual(await stored('smmr', 'default', 'spec', 'istio-system'), { members: ['mesh-b'] });
    });
  });

  describe('malformed and oversized bodies', () => {
    it('answers 400 to malformed JSON', async () => {
      const status = assertStatusError(await curl({ method: 'POST', path: CONFIGMAPS, contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken"' }), 'SKF_API_MALFORMED_BODY');
      assert.match(status.message, /json parse error/);
      assertStatusError(await curl({ method: 'POST', path: CONFIGMAPS, contentType: 'application/json', body: '' }), 'SKF_API_MALFORMED_BODY');
      assertStatusError(await curl({ method: 'PATCH', path: `${CONFIGMAPS}/patched-cm`, contentType: 'application/merge-patch+json', body: '{"data":' }), 'SKF_API_MALFORMED_BODY');
      await assertAbsent('configmap', 'broken');
    });

    it("answers 400 when a built-in object's value does not fit its Go type, 422 when a patch makes it so", async () => {
      const r = await kubectlApply(JSON.stringify(deployment('typed', { replicas: 'three', selector: { matchLabels: { app: 'typed' } }, template: podTemplate({ app: 'typed' }) })));
      assert.equal(r.stderr, 'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n');
      const status = assertStatusError(await postJson(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed' }, data: { port: 8080 } }), 'SKF_API_BAD_REQUEST');
      assert.equal(status.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string');
      await assertAbsent('deployment', 'typed');
      await assertAbsent('configmap', 'typed');
      // A custom resource's metadata is decoded into ObjectMeta first too (the rest of it meets the schema).
      const custom = assertStatusError(await postJson('/apis/maistra.io/v1/namespaces/default/servicemeshmembers', { apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMember', metadata: { name: 'default', labels: { tier: 5 } }, spec: { controlPlaneRef: { name: 'basic', namespace: 'istio-system' } } }), 'SKF_API_BAD_REQUEST');
      assert.equal(custom.message, 'ServiceMeshMember in version "v1" cannot be handled as a ServiceMeshMember: json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string');

      await s.kubectl.ok(['create', 'deployment', 'typed', '--image=nginx']);
      const patched = await s.kubectl(['patch', 'deployment', 'typed', '--type', 'merge', '-p', '{"spec":{"replicas":"three"}}']);
      assert.match(patched.stderr, /^The request is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32\n$/);
      assert.equal(await stored('deployment', 'typed', 'spec.replicas'), 1);
    });

    it("rejects malformed YAML: kubectl's own parse error, and 400 for an apply patch", async () => {
      const r = await kubectlApply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: badyaml\n data: [\n');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: did not find expected key\n');

      const status = assertStatusError(await curl({ method: 'PATCH', path: `${CONFIGMAPS}/badyaml?fieldManager=curl`, contentType: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: badyaml\n data: [\n' }), 'SKF_API_MALFORMED_BODY');
      assert.match(status.message, /line \d+/);
      await assertAbsent('configmap', 'badyaml');
    });

    it('answers 413 to a body over 3 MiB and still takes a 1 MiB object', async () => {
      const configMap = (name: string, bytes: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: 'x'.repeat(bytes) } });
      const huge = configMap('huge', 3 * 1024 * 1024);
      assert.ok(Buffer.byteLength(huge) > 3 * 1024 * 1024);
      assertStatusError(await curl({ method: 'POST', path: CONFIGMAPS, contentType: 'application/json', body: huge }), 'SKF_API_BODY_TOO_LARGE');
      await assertAbsent('configmap', 'huge');

      const megabyte = await curl({ method: 'POST', path: CONFIGMAPS, contentType: 'application/json', body: configMap('megabyte', 1024 * 1024 - 64) });
      assert.equal(megabyte.status, 201, megabyte.body.slice(0, 500));
      assert.equal(((await stored('configmap', 'megabyte', 'data.blob')) as string).length, 1024 * 1024 - 64);
    });
  });

  describe('names', () => {
    it('answers 422 to invalid names, with the DNS rule each kind uses', async () => {
      const cases: [string[], string][] = [
        [['create', 'configmap', 'UPPER'], `error: failed to create configmap: ConfigMap "UPPER" is invalid: metadata.name: Invalid value: "UPPER": ${DNS1123_SUBDOMAIN}`],
        [['create', 'configmap', 'bad_name'], `error: failed to create configmap: ConfigMap "bad_name" is invalid: metadata.name: Invalid value: "bad_name": ${DNS1123_SUBDOMAIN}`],
        [['create', 'configmap', 'a'.repeat(254)], `error: failed to create configmap: ConfigMap "${'a'.repeat(254)}" is invalid: metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
        [['create', 'namespace', 'Team'], `The Namespace "Team" is invalid: metadata.name: Invalid value: "Team": ${DNS1123_LABEL}`],
        // IsDNS1123Label's special case for a valid subdomain that is not a label.
        [['create', 'namespace', 'a.b'], 'The Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots'],
        [['create', 'service', 'clusterip', '1abc', '--tcp=80'], `error: failed to create ClusterIP service: Service "1abc" is invalid: metadata.name: Invalid value: "1abc": ${DNS1035_LABEL}`],
        [['create', 'service', 'clusterip', 'web.site', '--tcp=80'], `error: failed to create ClusterIP service: Service "web.site" is invalid: metadata.name: Invalid value: "web.site": ${DNS1035_LABEL}`],
        [['create', 'deployment', 'Web', '--image=nginx'], `error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": ${DNS1123_SUBDOMAIN}`],
      ];
      for (const [args, message] of cases) {
        const r = await s.kubectl(args);
        assert.equal(r.code, 1, args.join(' '));
        assert.equal(r.stderr, `${message}\n`);
      }
      assert.equal((await kubectlApply('apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: Public-GW}\nspec: {}\n')).stderr, `The Gateway "Public-GW" is invalid: metadata.name: Invalid value: "Public-GW": ${DNS1123_SUBDOMAIN}\n`);

      const status = assertStatusError(await postJson('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a'.repeat(64) }, spec: { ports: [{ port: 80 }] } }), 'SKF_API_INVALID');
      assert.deepEqual(status.details?.causes, [{ reason: 'FieldValueInvalid', message: `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`, field: 'metadata.name' }]);
      const names = await s.kubectl.ok(['get', 'configmaps,services,deployments,gateways', '-o', 'name']);
      assert.doesNotMatch(names, /UPPER|bad_name|1abc|web\.site|\/Web|Public-GW|aaaa/);
    });
  });

  describe('immutable fields answer 422 and the stored object is unchanged', () => {
    it('Secret type', async () => {
      await s.kubectl.ok(['create', 'secret', 'generic', 'creds', '--from-literal=user=admin']);
      const r = await s.kubectl(['patch', 'secret', 'creds', '-p', '{"type":"example.com/custom"}']);
      assert.equal(r.stderr, 'The Secret "creds" is invalid: type: Invalid value: "example.com/custom": field is immutable\n');
      // The new type's own rules are checked in the same pass (ValidateSecretUpdate).
      const basic = await s.kubectl(['patch', 'secret', 'creds', '-p', '{"type":"kubernetes.io/basic-auth"}']);
      assert.equal(basic.stderr, 'The Secret "creds" is invalid: \n* type: Invalid value: "kubernetes.io/basic-auth": field is immutable\n* data[username]: Required value\n* data[password]: Required value\n');
      assert.equal(await stored('secret', 'creds', 'type'), 'Opaque');
    });

    it('ConfigMap data once immutable is set', async () => {
      await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\ndata: {a: "1"}\nimmutable: true\n' });
      const data = await s.kubectl(['patch', 'configmap', 'frozen', '-p', '{"data":{"a":"2"}}']);
      assert.equal(data.stderr, 'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n');
      const flag = await s.kubectl(['patch', 'configmap', 'frozen', '-p', '{"immutable":false}']);
      assert.equal(flag.stderr, 'The ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n');
      assert.deepEqual([await stored('configmap', 'frozen', 'data'), await stored('configmap', 'frozen', 'immutable')], [{ a: '1' }, true]);
    });

    it('Service clusterIP', async () => {
      await s.kubectl.ok(['create', 'service', 'clusterip', 'fixed-ip', '--tcp=80']);
      const allocated = (await stored('service', 'fixed-ip', 'spec.clusterIP')) as string;
      assert.match(allocated, /^\d+\.\d+\.\d+\.\d+$/);
      const octets = allocated.split('.');
      const moved = [...octets.slice(0, 3), String((Number(octets[3]) % 250) + 2)].join('.');
      const expected = `The Service "fixed-ip" is invalid: spec.clusterIPs[0]: Invalid value: []string{"${moved}"}: may not change once set\n`;
      assert.equal((await s.kubectl(['patch', 'service', 'fixed-ip', '-p', `{"spec":{"clusterIP":"${moved}"}}`])).stderr, expected);
      assert.equal((await s.kubectl(['patch', 'service', 'fixed-ip', '--type', 'merge', '-p', `{"spec":{"clusterIP":"${moved}","clusterIPs":["${moved}"]}}`])).stderr, expected);
      assert.deepEqual(await stored('service', 'fixed-ip', 'spec.clusterIPs'), [allocated]);
      assert.equal(await stored('service', 'fixed-ip', 'spec.clusterIP'), allocated);
    });

    it('Deployment selector', async () => {
      await s.kubectl.ok(['create', 'deployment', 'steady', '--image=nginx']);
      const r = await s.kubectl(['patch', 'deployment', 'steady', '-p', '{"spec":{"selector":{"matchLabels":{"app":"moved"}},"template":{"metadata":{"labels":{"app":"moved"}}}}}']);
      assert.equal(r.stderr, 'The Deployment "steady" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"moved"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n');
      assert.deepEqual(await stored('deployment', 'steady', 'spec.selector'), { matchLabels: { app: 'steady' } });
    });
  });

  it('answers 409 to an update from a stale read', async () => {
    await s.kubectl.ok(['create', 'configmap', 'contested', '--from-literal=a=1']);
    const stale = await s.kubectl.ok(['get', 'configmap', 'contested', '-o', 'json']);
    await s.kubectl.ok(['label', 'configmap', 'contested', 'winner=first']);
    const r = await s.kubectl(['replace', '-f', '-'], { stdin: stale.replace('"a": "1"', '"a": "2"') });
    assert.equal(r.stderr, 'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "contested": the object has been modified; please apply your changes to the latest version and try again\n');
    const status = assertStatusError(await curl({ method: 'PUT', path: `${CONFIGMAPS}/contested`, contentType: 'application/json', body: stale }), 'SKF_API_CONFLICT');
    assert.deepEqual(status.details, { name: 'contested', kind: 'configmaps' });
    assert.deepEqual(await stored('configmap', 'contested', 'data'), { a: '1' });
    assert.deepEqual(await stored('configmap', 'contested', 'metadata.labels'), { winner: 'first' });
  });

  it('gives every error answer a catalog code in X-Skiff-Error-Code', async () => {
    const answers: [CurlAnswer, ErrorCode][] = [
      [await curl({ path: `${CONFIGMAPS}/no-such-thing` }), 'SKF_API_NOT_FOUND'],
      [await curl({ path: '/apis/example.com/v1/widgets' }), 'SKF_API_NOT_FOUND'],
      [await postJson(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'contested' } }), 'SKF_API_ALREADY_EXISTS'],
      [await curl({ method: 'PATCH', path: `${CONFIGMAPS}/contested`, contentType: 'text/plain', body: 'a=1' }), 'SKF_API_UNSUPPORTED_MEDIA_TYPE'],
      [await curl({ method: 'PATCH', path: '/apis/maistra.io/v1/namespaces/istio-system/servicemeshmemberrolls/default', contentType: 'application/strategic-merge-patch+json', body: '{}' }), 'SKF_API_UNSUPPORTED_MEDIA_TYPE'],
      [await curl({ path: `${CONFIGMAPS}?labelSelector=${encodeURIComponent('a in (')}` }), 'SKF_API_BAD_SELECTOR'],
      [await curl({ method: 'POST', path: `${CONFIGMAPS}?fieldValidation=Loose`, contentType: 'application/json', body: '{}' }), 'SKF_API_BAD_REQUEST'],
      [await curl({ method: 'PATCH', path: `${CONFIGMAPS}/contested`, contentType: 'application/json-patch+json', body: '[{"op":"test","path":"/data/a","value":"9"}]' }), 'SKF_API_BAD_PATCH'],
    ];
    for (const [answer, code] of answers) {
      assert.ok(answer.headers['x-skiff-error-code'] && answer.headers['x-skiff-error-code'] in ERRORS, `${answer.status} ${answer.body}`);
      assertStatusError(answer, code);
    }
  });
});
