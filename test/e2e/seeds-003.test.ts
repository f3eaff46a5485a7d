/**
 * Seed 003 (the Japanese rendering of the chapter): every example flattened onto one line and
 * glued to the prose, continued commands with their line breaks lost (` \ `). The examples are
 * rebuilt with the nesting of the indented renderings (seeds-reflow.ts) and the commands with
 * their breaks (seeds.ts); then every command and example runs in order against a real skiff.
 * The chapter assumes a ServiceMeshControlPlane in istio-system without showing one (its
 * prerequisites); the test creates seed 002's before the walk.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SERVERLESS_PLACEHOLDERS, extractSteps, readSeed, type SeedYaml } from '../support/seeds.ts';
import { seedShell, type SeedShell } from '../support/seeds-shell.ts';
import { summarize, walkSeed, type WalkEntry, type WalkOptions } from '../support/seeds-walk.ts';
import {
  KNATIVE_SECURITY_CONTEXT_WARNING, assertPreflightShape, preflightCommand, preflightExampleOutput, rebuildFlattened, serverlessExcerpt, serverlessSkip,
} from '../support/seeds-serverless.ts';

const docsOf = (text: string) => parseAllDocuments(text.replace(/^\.\.\.$/gm, '')).map((d) => d.toJS() as unknown).filter((d) => d !== null);

describe('seed 003: the chapter in Japanese (flattened examples), verbatim', () => {
  let s: TestSkiff;
  let shell: SeedShell;
  let transcript: WalkEntry[];
  let preflightWithHttpVariant: string;
  const steps = extractSteps(readSeed('003'));
  const rebuild = rebuildFlattened();
  const printed = (line: number, stdout: string, warnings: string[] = [], action: WalkEntry['action'] = 'run') => {
    const entry = transcript.find((e) => e.line === line && e.action === action);
    assert.ok(entry, `no ${action} step at line ${line}`);
    assert.deepEqual(summarize(entry), { line, action, code: 0, stdout, warnings, stderr: '' });
  };

  before(async () => {
    s = await startTestSkiff();
    shell = seedShell(s.skiff.info.kubeconfig);
    const smcp = extractSteps(readSeed('002')).find((st): st is SeedYaml => st.type === 'yaml' && st.text.includes('kind: ServiceMeshControlPlane'))!.text;
    shell.write('prerequisite-smcp.yaml', smcp);
    const created = await shell.run('kubectl apply -f prerequisite-smcp.yaml');
    assert.equal(created.stdout, 'servicemeshcontrolplane.maistra.io/basic created\n', created.stderr);
    const opts: WalkOptions = { placeholders: SERVERLESS_PLACEHOLDERS, skip: serverlessSkip, excerptOf: serverlessExcerpt, yamlOf: rebuild, alreadyApplied: [smcp] };
    const httpsVariant = steps.findIndex((st) => st.type === 'yaml' && st.line === 66);
    assert.ok(httpsVariant > 0, 'the HTTPS knative-local-gateway example is on line 66');
    transcript = await walkSeed(steps.slice(0, httpsVariant), shell, opts);
    preflightWithHttpVariant = (await shell.run(preflightCommand())).stdout;
    transcript.push(...(await walkSeed(steps.slice(httpsVariant), shell, opts)));
  });
  after(async () => {
    shell?.close();
    await s?.stop();
  });

  it('rebuilds each flattened example into one of the indented examples of seeds 001/002 (the first member roll lists two members)', () => {
    const indented = ['001', '002'].flatMap((p) => extractSteps(readSeed(p))).flatMap((st) => (st.type === 'yaml' ? [JSON.stringify(docsOf(st.text))] : []));
    const unmatched = steps.filter((st): st is SeedYaml => st.type === 'yaml').filter((st) => !indented.includes(JSON.stringify(docsOf(rebuild(st)))));
    assert.deepEqual(unmatched.map((st) => [st.line, docsOf(rebuild(st))]), [
      [53, [{ apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll', metadata: { name: 'default', namespace: 'istio-system' }, spec: { members: ['knative-serving', '<namespace>'] } }]],
    ]);
  });

  it('rebuilds the continued openssl commands', () => {
    const first = steps.find((st) => st.type === 'command' && st.line === 24)!;
    assert.equal(first.text, "openssl req -x509 -sha256 -nodes -days 365 -newkey rsa:2048 \\\n    -subj '/O=Example Inc./CN=example.com' \\\n    -keyout root.key \\\n    -out root.crt");
  });

  it('walks the whole document', () => {
    assert.deepEqual(transcript.map((e) => `${e.line} ${e.action}`), [
      '24 run', '26 run', '28 run', '30 run', '59 run', '63 apply', '68 run', '73 run', '77 run', '80 skip', '82 skip',
      '99 complete', '102 apply', '104 complete', '122 run', '134 run', '136 run', '138 run', '158 apply',
    ]);
  });

  it('runs every command and applies every example', async () => {
    for (const line of [24, 26, 28]) assert.equal(transcript.find((e) => e.line === line)!.code, 0, `openssl at line ${line}`);
    printed(30, 'secret/wildcard-certs created\n');
    printed(59, 'servicemeshmemberroll.maistra.io/default created\n');
    printed(63, 'gateway.networking.istio.io/knative-ingress-gateway created\ngateway.networking.istio.io/knative-local-gateway created\nservice/knative-local-gateway created\n', [], 'apply');
    printed(68, 'gateway.networking.istio.io/knative-local-gateway configured\n');
    printed(73, 'knativeserving.operator.knative.dev/knative-serving created\n');
    printed(77, 'service.serving.knative.dev/hello created\n', [KNATIVE_SECURITY_CONTEXT_WARNING]);
    printed(99, 'knativeserving.operator.knative.dev/knative-serving configured\n', [], 'complete');
    printed(102, 'networkpolicy.networking.k8s.io/allow-from-openshift-monitoring-ns created\n', [], 'apply');
    printed(104, 'servicemeshcontrolplane.maistra.io/basic unchanged\n', [], 'complete');
    printed(122, 'servicemeshmemberroll.maistra.io/default configured\n');
    // Serverless 1.22+ labels knative-serving itself (the step's note says so): the label is already there.
    printed(134, 'namespace/knative-serving not labeled\n');
    printed(136, 'namespace/knative-serving-ingress labeled\n');
    printed(138, 'networkpolicy.networking.k8s.io/allow-from-serving-system-namespace created\n');
    printed(158, 'knativeserving.operator.knative.dev/knative-serving configured\n', [], 'apply');
    const policy = JSON.parse(await s.kubectl.ok(['get', 'netpol', '-n', 'knative-serving', 'allow-from-openshift-monitoring-ns', '-o', 'json'])) as { spec: unknown };
    assert.deepEqual(policy.spec, { ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'openshift-monitoring' } } }] }], podSelector: {}, policyTypes: ['Ingress'] });
  });

  it('the preflight check prints the example output exactly with the HTTP variant, its shape with the HTTPS one', async () => {
    const example = preflightExampleOutput(readSeed('002'));
    assert.equal(preflightWithHttpVariant, `${example.join('\n')}\n`);
    const lines = (await shell.run(preflightCommand())).stdout.trimEnd().split('\n');
    assertPreflightShape(lines, example);
  });
});
