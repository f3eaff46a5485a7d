/**
 * Seed 002 (the English chapter "Integrating Service Mesh with OpenShift Serverless"): every
 * command and example in the document's order against a real skiff, with the real kubectl
 * (the documents' `oc`) and the real openssl, placeholders filled in (seeds.ts). Steps that
 * are not run say why (serverlessSkip); the two excerpts of §1.5 are applied as the objects
 * they are part of (serverlessExcerpt).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SERVERLESS_PLACEHOLDERS, extractSteps, readSeed } from '../support/seeds.ts';
import { seedShell, type SeedShell } from '../support/seeds-shell.ts';
import { summarize, walkSeed, type WalkEntry } from '../support/seeds-walk.ts';
import {
  DUPLICATE_PORT_WARNINGS, KAFKA_SINK_WARNING, KNATIVE_SECURITY_CONTEXT_WARNING, SERVICE_ENTRY_ADDRESSES_WARNING,
  assertPreflightShape, preflightCommand, preflightExampleOutput, serverlessExcerpt, serverlessSkip,
} from '../support/seeds-serverless.ts';

describe('seed 002: Service Mesh with OpenShift Serverless, verbatim', () => {
  let s: TestSkiff;
  let shell: SeedShell;
  let transcript: WalkEntry[];
  const seed = readSeed('002');
  const at = (line: number, action: WalkEntry['action'] = 'run') => {
    const entry = transcript.find((e) => e.line === line && e.action === action);
    assert.ok(entry, `no ${action} step at line ${line}`);
    return summarize(entry);
  };
  const printed = (line: number, stdout: string, warnings: string[] = [], action: WalkEntry['action'] = 'run') =>
    assert.deepEqual(at(line, action), { line, action, code: 0, stdout, warnings, stderr: '' });
  const json = async (...args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json'])) as Record<string, unknown> & { spec: Record<string, unknown> };

  before(async () => {
    s = await startTestSkiff();
    shell = seedShell(s.skiff.info.kubeconfig);
    transcript = await walkSeed(extractSteps(seed), shell, { placeholders: SERVERLESS_PLACEHOLDERS, skip: serverlessSkip, excerptOf: serverlessExcerpt });
  });
  after(async () => {
    shell?.close();
    await s?.stop();
  });

  it('walks the whole document: each step runs, is applied, or is skipped with its reason', () => {
    assert.deepEqual(transcript.map((e) => `${e.line} ${e.action}`), [
      '50 run', '56 run', '62 run', '69 run', '87 run', '104 skip', '128 apply', '187 run', '251 run', '294 run', '332 run',
      '392 run', '436 run', '477 run', '480 skip', '486 skip', '508 complete', '522 apply', '537 complete', '576 run',
      '604 run', '608 run', '611 run', '635 apply',
    ]);
    assert.match(transcript.find((e) => e.line === 104)!.reason!, /mesh controller/);
    assert.match(transcript.find((e) => e.line === 486)!.reason!, /serving-seed.test.ts/);
  });

  it('§1.3: openssl makes the CA and the wildcard certificate; `oc create secret tls` stores them (protobuf body)', async () => {
    for (const line of [50, 56, 62]) assert.deepEqual([at(line).code, at(line).stdout], [0, ''], `openssl at line ${line}`);
    const subject = await shell.run('openssl x509 -in wildcard.crt -noout -subject -issuer');
    assert.equal(subject.stdout, 'subject=CN = *.apps.openshift.example.com, O = Example Inc.\nissuer=O = Example Inc., CN = example.com\n');
    printed(69, 'secret/wildcard-certs created\n');
    const secret = await json('get', 'secret', '-n', 'istio-system', 'wildcard-certs');
    assert.equal(secret.type, 'kubernetes.io/tls');
    const data = secret.data as Record<string, string>;
    assert.equal(Buffer.from(data['tls.crt']!, 'base64').toString(), readFileSync(join(shell.dir, 'wildcard.crt'), 'utf8'));
    assert.equal(Buffer.from(data['tls.key']!, 'base64').toString(), readFileSync(join(shell.dir, 'wildcard.key'), 'utf8'));
  });

  it('§1.4.1: the preflight check finds no conflicting gateway before the integration', () => {
    printed(87, '');
  });

  it('§1.4.2: the SMCP, the member roll, and the gateways with their Service apply', () => {
    printed(128, 'servicemeshcontrolplane.maistra.io/basic created\n', [], 'apply');
    printed(187, 'servicemeshmemberroll.maistra.io/default created\n');
    printed(251, 'gateway.networking.istio.io/knative-ingress-gateway created\ngateway.networking.istio.io/knative-local-gateway created\nservice/knative-local-gateway created\n');
  });

  it('§1.4.3: KnativeServing, KnativeEventing, KnativeKafka (nested broker.sink: warned, sink enabled) and the ServiceEntry (repeated port names: warned)', async () => {
    printed(294, 'knativeserving.operator.knative.dev/knative-serving created\n');
    printed(332, 'knativeeventing.operator.knative.dev/knative-eventing created\n');
    printed(392, 'knativekafka.operator.serverless.openshift.io/knative-kafka created\n', [KAFKA_SINK_WARNING]);
    const kafka = await json('get', 'knativekafka', '-n', 'knative-eventing', 'knative-kafka');
    assert.deepEqual(kafka.spec.sink, { enabled: true });
    // Kept as written (the Warning says how to write it), and honoured as spec.sink.
    assert.deepEqual(kafka.spec.broker, { enabled: true, defaultConfig: { bootstrapServers: 'my-cluster-kafka-bootstrap.kafka:9092', numPartitions: 10, replicationFactor: 3 }, sink: { enabled: true } });
    printed(436, 'serviceentry.networking.istio.io/kafka-cluster created\n', [SERVICE_ENTRY_ADDRESSES_WARNING, ...DUPLICATE_PORT_WARNINGS]);
    const entry = await json('get', 'serviceentry', '-n', 'knative-eventing', 'kafka-cluster');
    assert.deepEqual((entry.spec.ports as { name: string }[]).map((p) => p.name), ['tcp-plain', 'tcp-tls', 'tcp-sasl-tls', 'tcp-sasl-tls', 'tcp-tls']);
  });

  it('§1.4.4: the Knative Service with sidecar injection and a pass-through route applies', async () => {
    printed(477, 'service.serving.knative.dev/hello created\n', [KNATIVE_SECURITY_CONTEXT_WARNING]);
    const ksvc = await json('get', 'ksvc', '-n', 'default', 'hello');
    assert.equal((ksvc.metadata as { annotations: Record<string, string> }).annotations['serving.knative.openshift.io/enablePassthrough'], 'true');
  });

  it('§1.5: metrics under mTLS — the KnativeServing excerpt, the NetworkPolicy, the SMCP excerpt (already included)', async () => {
    printed(508, 'knativeserving.operator.knative.dev/knative-serving configured\n', [], 'complete');
    const completed = parse(readFileSync(join(shell.dir, 'completed-508.yaml'), 'utf8')) as { metadata: unknown; spec: Record<string, Record<string, unknown>> };
    assert.deepEqual(completed.metadata, { name: 'knative-serving', namespace: 'knative-serving' });
    assert.deepEqual(completed.spec.config!.observability, { 'metrics.backend-destination': 'prometheus' });
    assert.deepEqual(Object.keys(completed.spec), ['ingress', 'deployments', 'config'], 'the excerpt keeps the rest of the §1.4.3 object');
    printed(522, 'networkpolicy.networking.k8s.io/allow-from-openshift-monitoring-ns created\n', [], 'apply');
    printed(537, 'servicemeshcontrolplane.maistra.io/basic unchanged\n', [], 'complete');
  });

  it('§1.6: the Kourier variant — member roll, namespace labels, NetworkPolicy per member namespace', async () => {
    printed(576, 'servicemeshmemberroll.maistra.io/default configured\n');
    assert.deepEqual((await json('get', 'smmr', '-n', 'istio-system', 'default')).spec.members, ['default']);
    // Serverless 1.22+ labels knative-serving itself (the note under the step says so), so the
    // command the note gives for older releases finds the label already there, as on OpenShift.
    printed(604, 'namespace/knative-serving not labeled\n');
    printed(608, 'namespace/knative-serving-ingress labeled\n');
    printed(611, 'networkpolicy.networking.k8s.io/allow-from-serving-system-namespace created\n');
    const policy = await json('get', 'networkpolicy', '-n', 'default', 'allow-from-serving-system-namespace');
    assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
  });

  it('§1.7: the secret-filtering KnativeServing applies over the earlier one', async () => {
    printed(635, 'knativeserving.operator.knative.dev/knative-serving configured\n', [], 'apply');
    const serving = await json('get', 'knativeserving', '-n', 'knative-serving', 'knative-serving');
    assert.equal((serving.metadata as { annotations: Record<string, string> }).annotations['serverless.openshift.io/enable-secret-informer-filtering'], 'true');
    // kubectl's three-way merge drops what the previous apply set and this example leaves out.
    assert.equal(serving.spec.config, undefined);
  });

  it('the preflight check now prints the document\'s shape: same gateways, servers JSON with the same key order', async () => {
    const result = await shell.run(preflightCommand());
    assert.equal(result.code, 0, result.stderr);
    const example = preflightExampleOutput(seed);
    const lines = result.stdout.trimEnd().split('\n');
    assertPreflightShape(lines, example);
    // The ingress gateway is the document's; this document's local gateway is its HTTPS /
    // ISTIO_MUTUAL variant, while the example output shows the HTTP variant (seeds 001/003).
    assert.equal(lines[0], example[0]);
    assert.equal(lines[1], 'knative-serving/knative-local-gateway    [{"hosts":["*"],"port":{"name":"https","number":8081,"protocol":"HTTPS"},"tls":{"mode":"ISTIO_MUTUAL"}}]');
  });

  it('the gateways file applies server-side over the client-side apply (kubectl migrates the ownership)', async () => {
    const result = await shell.run('kubectl apply --server-side -f istio-knative-gateways.yaml');
    assert.deepEqual(summarize({ ...result, line: 0, action: 'prepare', command: '' }), {
      line: 0, action: 'prepare', code: 0, warnings: [], stderr: '',
      stdout: 'gateway.networking.istio.io/knative-ingress-gateway serverside-applied\ngateway.networking.istio.io/knative-local-gateway serverside-applied\nservice/knative-local-gateway serverside-applied\n',
    });
  });
});
