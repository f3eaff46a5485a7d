/**
 * Seed 000 (the Chinese rendering of §1.4 of the chapter): callout numbers on lines of their
 * own inside the examples, and a later revision that sets `sidecar.istio.io/inject` as a
 * deployment/workload *label* rather than an annotation. Every command and example in order,
 * verbatim, against a real skiff with the real kubectl.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SERVERLESS_PLACEHOLDERS, extractSteps, readSeed } from '../support/seeds.ts';
import { seedShell, type SeedShell } from '../support/seeds-shell.ts';
import { summarize, walkSeed, type WalkEntry } from '../support/seeds-walk.ts';
import {
  DUPLICATE_PORT_WARNINGS, KAFKA_SINK_WARNING, KNATIVE_SECURITY_CONTEXT_WARNING, SERVICE_ENTRY_ADDRESSES_WARNING,
  assertPreflightShape, preflightExampleOutput, serverlessExcerpt, serverlessSkip,
} from '../support/seeds-serverless.ts';

describe('seed 000: the chapter in Chinese, verbatim', () => {
  let s: TestSkiff;
  let shell: SeedShell;
  let transcript: WalkEntry[];
  const seed = readSeed('000');
  const printed = (line: number, stdout: string, warnings: string[] = [], action: WalkEntry['action'] = 'run') => {
    const entry = transcript.find((e) => e.line === line && e.action === action);
    assert.ok(entry, `no ${action} step at line ${line}`);
    assert.deepEqual(summarize(entry), { line, action, code: 0, stdout, warnings, stderr: '' });
  };

  before(async () => {
    s = await startTestSkiff();
    shell = seedShell(s.skiff.info.kubeconfig);
    transcript = await walkSeed(extractSteps(seed), shell, { placeholders: SERVERLESS_PLACEHOLDERS, skip: serverlessSkip, excerptOf: serverlessExcerpt });
  });
  after(async () => {
    shell?.close();
    await s?.stop();
  });

  it('walks the whole document', () => {
    assert.deepEqual(transcript.map((e) => `${e.line} ${e.action}`), [
      '14 run', '33 skip', '59 apply', '130 run', '202 run', '255 run', '303 run', '378 run', '428 run', '477 run', '481 skip', '488 skip',
    ]);
  });

  it('applies every example with the warnings of seed 002', () => {
    printed(14, '');
    printed(59, 'servicemeshcontrolplane.maistra.io/basic created\n', [], 'apply');
    printed(130, 'servicemeshmemberroll.maistra.io/default created\n');
    printed(202, 'gateway.networking.istio.io/knative-ingress-gateway created\ngateway.networking.istio.io/knative-local-gateway created\nservice/knative-local-gateway created\n');
    printed(255, 'knativeserving.operator.knative.dev/knative-serving created\n');
    printed(303, 'knativeeventing.operator.knative.dev/knative-eventing created\n');
    printed(378, 'knativekafka.operator.serverless.openshift.io/knative-kafka created\n', [KAFKA_SINK_WARNING]);
    printed(428, 'serviceentry.networking.istio.io/kafka-cluster created\n', [SERVICE_ENTRY_ADDRESSES_WARNING, ...DUPLICATE_PORT_WARNINGS]);
    printed(477, 'service.serving.knative.dev/hello created\n', [KNATIVE_SECURITY_CONTEXT_WARNING]);
  });

  it('keeps the callout-free values and the label form of sidecar injection', async () => {
    const smcp = JSON.parse(await s.kubectl.ok(['get', 'smcp', '-n', 'istio-system', 'basic', '-o', 'json'])) as { spec: Record<string, unknown> };
    assert.deepEqual(smcp.spec.security, { dataPlane: { mtls: true } });
    assert.deepEqual(smcp.spec.proxy, { networking: { trafficControl: { inbound: { excludedPorts: [8444, 8022] } } } });
    const serving = JSON.parse(await s.kubectl.ok(['get', 'knativeserving', '-n', 'knative-serving', 'knative-serving', '-o', 'json'])) as { spec: { deployments: unknown[] } };
    assert.deepEqual(serving.spec.deployments[0], { name: 'activator', labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } });
    const eventing = JSON.parse(await s.kubectl.ok(['get', 'knativeeventing', '-n', 'knative-eventing', 'knative-eventing', '-o', 'json'])) as { spec: { workloads: { labels: unknown }[] } };
    assert.deepEqual(eventing.spec.workloads.map((w) => w.labels), Array(4).fill({ 'sidecar.istio.io/inject': 'true' }));
  });

  it('the preflight check prints the shape of the document\'s example output', async () => {
    const run = transcript.find((e) => e.line === 14)!;
    const result = await shell.run(run.command);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    const example = preflightExampleOutput(seed);
    assertPreflightShape(lines, example);
    assert.equal(lines[0], example[0]);
  });
});
