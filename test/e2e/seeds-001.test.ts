/**
 * Seed 001 (the Korean rendering of the chapter, an older revision): two alternative
 * knative-local-gateway examples (HTTP on 8081 with the ingress gateway and its Service, then
 * HTTPS on 443 with the wildcard certificate), KnativeKafka with `sink` at the top of spec
 * (the upstream form: no warning), a ServiceEntry with distinct port names. Every command and
 * example in order, verbatim; with the HTTP variant in place, the preflight check prints
 * exactly the example output of seeds 000 and 002.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SERVERLESS_PLACEHOLDERS, extractSteps, readSeed } from '../support/seeds.ts';
import { seedShell, type SeedShell } from '../support/seeds-shell.ts';
import { summarize, walkSeed, type WalkEntry, type WalkOptions } from '../support/seeds-walk.ts';
import {
  KNATIVE_SECURITY_CONTEXT_WARNING, SERVICE_ENTRY_ADDRESSES_WARNING, assertPreflightShape, preflightCommand, preflightExampleOutput, serverlessExcerpt, serverlessSkip,
} from '../support/seeds-serverless.ts';

describe('seed 001: the chapter in Korean, verbatim, both local-gateway variants', () => {
  let s: TestSkiff;
  let shell: SeedShell;
  let transcript: WalkEntry[];
  let preflightWithHttpVariant: string;
  const steps = extractSteps(readSeed('001'));
  const printed = (line: number, stdout: string, warnings: string[] = [], action: WalkEntry['action'] = 'run') => {
    const entry = transcript.find((e) => e.line === line && e.action === action);
    assert.ok(entry, `no ${action} step at line ${line}`);
    assert.deepEqual(summarize(entry), { line, action, code: 0, stdout, warnings, stderr: '' });
  };

  before(async () => {
    s = await startTestSkiff();
    shell = seedShell(s.skiff.info.kubeconfig);
    const opts: WalkOptions = { placeholders: SERVERLESS_PLACEHOLDERS, skip: serverlessSkip, excerptOf: serverlessExcerpt };
    // The HTTPS variant (the second Gateway example) replaces the HTTP one: check the
    // preflight output between the two.
    const httpsVariant = steps.findIndex((st) => st.type === 'yaml' && st.line === 103);
    assert.ok(httpsVariant > 0, 'the HTTPS knative-local-gateway example is at line 103');
    transcript = await walkSeed(steps.slice(0, httpsVariant), shell, opts);
    const preflight = await shell.run(preflightCommand());
    assert.equal(preflight.code, 0, preflight.stderr);
    preflightWithHttpVariant = preflight.stdout;
    transcript.push(...(await walkSeed(steps.slice(httpsVariant), shell, opts)));
  });
  after(async () => {
    shell?.close();
    await s?.stop();
  });

  it('walks the whole document', () => {
    assert.deepEqual(transcript.map((e) => `${e.line} ${e.action}`), [
      '40 run', '45 apply', '124 run', '151 run', '192 run', '255 run', '296 run', '329 run', '335 skip', '339 skip',
    ]);
  });

  it('applies every example; only the real systems\' warnings appear', () => {
    printed(40, 'servicemeshmemberroll.maistra.io/default created\n');
    printed(45, 'gateway.networking.istio.io/knative-ingress-gateway created\ngateway.networking.istio.io/knative-local-gateway created\nservice/knative-local-gateway created\n', [], 'apply');
    printed(124, 'gateway.networking.istio.io/knative-local-gateway configured\n');
    printed(151, 'knativeserving.operator.knative.dev/knative-serving created\n');
    printed(192, 'knativeeventing.operator.knative.dev/knative-eventing created\n');
    printed(255, 'knativekafka.operator.serverless.openshift.io/knative-kafka created\n');
    printed(296, 'serviceentry.networking.istio.io/kafka-cluster created\n', [SERVICE_ENTRY_ADDRESSES_WARNING]);
    printed(329, 'service.serving.knative.dev/hello created\n', [KNATIVE_SECURITY_CONTEXT_WARNING]);
  });

  it('with the HTTP variant, the preflight check prints the example output of seeds 002 and 000 exactly', () => {
    const example = preflightExampleOutput(readSeed('002'));
    assert.deepEqual(preflightExampleOutput(readSeed('000')), example);
    assert.equal(preflightWithHttpVariant, `${example.join('\n')}\n`);
  });

  it('with the HTTPS variant, the local gateway serves 443 with the wildcard certificate', async () => {
    const result = await shell.run(preflightCommand());
    const lines = result.stdout.trimEnd().split('\n');
    assertPreflightShape(lines, preflightExampleOutput(readSeed('002')));
    assert.equal(lines[1], 'knative-serving/knative-local-gateway    [{"hosts":["*"],"port":{"name":"https","number":443,"protocol":"HTTPS"},"tls":{"credentialName":"wildcard-certs","mode":"SIMPLE"}}]');
  });
});
