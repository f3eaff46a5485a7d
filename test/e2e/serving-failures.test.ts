/**
 * Bad input end to end (issue 6 item 10), on one skiff with Serving installed as seed 002
 * does it (SMCP, gateways, KnativeServing) and the seed's Knative Service answering
 * `Hello Openshift!` through skiff's router:
 *
 * - A Revision that cannot run ends Ready=False with Knative's reason and message, and the
 *   Configuration and Service say so (`RevisionFailed`, `Revision "…" failed with message: …`):
 *   an unknown image (ContainerMissing), a container that exits (ExitCode1, its log's tail as
 *   the message: the user container's terminationMessagePolicy is FallbackToLogsOnError) and
 *   one that never turns ready within a short `serving.knative.dev/progress-deadline`
 *   (ProgressDeadlineExceeded).
 * - Admission rejects a traffic block that does not sum to 100, a duplicate tag and a
 *   malformed autoscaling annotation with the webhook's messages. A revision name that does
 *   not exist passes admission (the webhook cannot know) and the Route reports it
 *   (`RevisionMissing`), as upstream.
 * - Throughout, the last ready revision keeps answering; a good template afterwards recovers
 *   the Configuration and Service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { installSeedServing } from '../support/seed-002-serving.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const DOMAIN = 'apps.openshift.example.com';
const HOST = `hello-default.${DOMAIN}`;
const GOOD_IMAGE = 'gcr.io/knative-samples/helloworld-go';
const WEBHOOK = 'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed:';

interface Condition { type: string; status: string; reason?: string; message?: string }
type Container = Record<string, unknown>;

/** The template a patch puts in place: the seed's template annotations, plus `annotations`. */
function templatePatch(containers: Container[], annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    spec: {
      template: {
        metadata: { annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true', ...annotations } },
        spec: { containers },
      },
    },
  });
}

const ready = (conditions: Condition[] | undefined) => conditions?.find((c) => c.type === 'Ready');

describe('serving: bad input end to end', () => {
  let s: TestSkiff;
  let certDir: string;
  let httpsPort: number;
  const curl = async () => {
    try {
      return (await run('curl', ['-sS', '--max-time', '30', '--cacert', 'root.crt', '--resolve', `${HOST}:${httpsPort}:127.0.0.1`, `https://${HOST}:${httpsPort}`], { cwd: certDir })).stdout;
    } catch (err) {
      return `curl failed: ${(err as { stderr?: string }).stderr ?? String(err)}`;
    }
  };
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const conditionsOf = async (resource: string): Promise<Condition[]> => {
    const out = await s.kubectl.ok(['get', resource, '-o', 'jsonpath={.status.conditions}']);
    return out ? JSON.parse(out) as Condition[] : [];
  };
  const get = (resource: string, path: string) => s.kubectl.ok(['get', resource, '-o', `jsonpath=${path}`]);
  /** kubectl's error, after the warnings the webhook also sends (Knative's secure-pod-defaults warning). */
  const rejection = async (patch: unknown) => {
    const r = await s.kubectl(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', JSON.stringify(patch)]);
    assert.notEqual(r.code, 0);
    return r.stderr.trim().split('\n').filter((line) => !line.startsWith('Warning: ')).join('\n');
  };

  /** The Revision failed as expected, and the Configuration, the Service and `kubectl get ksvc` say so while the old revision answers. */
  async function expectFailedRevision(revision: string, want: { type: string; reason: string; message: RegExp }, timeoutMs?: number) {
    await waitFor(`revision/${revision} ${want.type}=False`, async () => {
      const all = await conditionsOf(`revision/${revision}`);
      return all.find((x) => x.type === want.type)?.status === 'False' || undefined;
    }, timeoutMs);
    // A revision's message may still move on (a pull retried, a deadline passed): read the three
    // objects until they tell the same story, then check that story.
    const seen = await waitFor('the Configuration and Service to report the revision\'s failure', async () => {
      const rev = await conditionsOf(`revision/${revision}`);
      const config = ready(await conditionsOf('configuration/hello'));
      const svc = await conditionsOf('ksvc/hello');
      const message = `Revision "${revision}" failed with message: ${ready(rev)?.message}.`;
      return config?.message === message && ready(svc)?.message === message ? { rev, config, svc } : undefined;
    });
    const cond = seen.rev.find((x) => x.type === want.type)!;
    assert.equal(cond.reason, want.reason, JSON.stringify(seen.rev));
    assert.match(cond.message ?? '', want.message);
    const revReady = ready(seen.rev)!;
    assert.deepEqual([revReady.status, revReady.reason, revReady.message], ['False', cond.reason, cond.message]);

    assert.deepEqual([seen.config.status, seen.config.reason], ['False', 'RevisionFailed']);
    assert.equal(await get('configuration/hello', '{.status.latestCreatedRevisionName}'), revision);
    assert.equal(await get('configuration/hello', '{.status.latestReadyRevisionName}'), 'hello-00001');

    const svcReady = ready(seen.svc)!;
    assert.deepEqual([svcReady.status, svcReady.reason], ['False', 'RevisionFailed']);
    const configurationsReady = seen.svc.find((c) => c.type === 'ConfigurationsReady')!;
    assert.deepEqual([configurationsReady.status, configurationsReady.reason, configurationsReady.message], ['False', 'RevisionFailed', seen.config.message]);
    assert.equal(seen.svc.find((c) => c.type === 'RoutesReady')?.status, 'True');

    const table = await s.kubectl.ok(['get', 'ksvc', 'hello']);
    const [header, row] = table.trim().split('\n');
    assert.match(header!, /^NAME\s+URL\s+LATESTCREATED\s+LATESTREADY\s+READY\s+REASON$/);
    assert.match(row!, new RegExp(`^hello\\s+https://${HOST.replaceAll('.', '\\.')}\\s+${revision}\\s+hello-00001\\s+False\\s+RevisionFailed$`));

    assert.equal(await curl(), 'Hello Openshift!\n');
  }

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    httpsPort = s.skiff.info.ingress!.https.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-serving-failures-'));
    const seed = await installSeedServing(s, certDir);
    // The seed's Knative Service with the sample's TARGET, so that it answers `Hello Openshift!`.
    await apply(seed.knativeService.replace(/^( *)- image: .+$/m, (_m, indent: string) => `${indent}- image: ${GOOD_IMAGE}\n${indent}  env:\n${indent}  - name: TARGET\n${indent}    value: Openshift`));
    await s.kubectl.ok(['wait', 'ksvc/hello', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
    let last = '';
    await waitFor('the service answering through the router', async () => (last = await curl()) === 'Hello Openshift!\n' || undefined, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${last}`);
    });
  });
  after(async () => {
    await s?.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('the first good revision serves', async () => {
    assert.equal(await get('ksvc/hello', '{.status.latestReadyRevisionName}'), 'hello-00001');
  });

  it('an unknown image: ContainerMissing on the Revision, RevisionFailed on the Configuration and Service', async () => {
    const image = 'quay.io/skiff-e2e/no-such-image:v1';
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', templatePatch([{ image }])]);
    await expectFailedRevision('hello-00002', {
      type: 'ContainerHealthy',
      reason: 'ContainerMissing',
      message: new RegExp(`^Unable to fetch image "${image.replaceAll('.', '\\.')}": failed to resolve image to digest: .+`),
    });
  });

  it('a container that exits: ExitCode1 with its log\'s tail', async () => {
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', templatePatch([{ image: 'busybox', command: ['sh', '-c', 'echo "cannot start: no config" >&2; exit 1'] }])]);
    await expectFailedRevision('hello-00003', { type: 'ContainerHealthy', reason: 'ExitCode1', message: /^Container failed with: cannot start: no config\n?$/ });
  });

  it('a container that never turns ready: ProgressDeadlineExceeded after the revision\'s progress deadline', async () => {
    // Listens nowhere, so the queue-proxy's default TCP readiness probe on the user port never passes.
    const containers = [{ image: 'busybox', command: ['sh', '-c', 'sleep 3600'] }];
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', templatePatch(containers, { 'serving.knative.dev/progress-deadline': '8s' })]);
    await expectFailedRevision('hello-00004', { type: 'ResourcesAvailable', reason: 'ProgressDeadlineExceeded', message: /^(ReplicaSet "hello-00004-deployment-[a-z0-9]+" has timed out progressing\.|Initial scale was never achieved)$/ }, 90_000);
  });

  it('admission rejects a traffic block that does not sum to 100', async () => {
    assert.equal(await rejection({ spec: { traffic: [{ latestRevision: false, revisionName: 'hello-00001', percent: 60 }] } }), `Error from server (BadRequest): ${WEBHOOK} Traffic targets sum to 60, want 100: spec.traffic`);
  });

  it('admission rejects a duplicate tag', async () => {
    const traffic = [
      { tag: 'blue', revisionName: 'hello-00001', percent: 50 },
      { tag: 'blue', latestRevision: false, revisionName: 'hello-00001', percent: 50 },
    ];
    assert.equal(await rejection({ spec: { traffic } }), `Error from server (BadRequest): ${WEBHOOK} Multiple definitions for "blue": spec.traffic[0].tag, spec.traffic[1].tag`);
  });

  it('admission rejects a malformed autoscaling annotation', async () => {
    assert.equal(await rejection({ spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': 'two' } } } } }), `Error from server (BadRequest): ${WEBHOOK} invalid value: two: spec.template.metadata.annotations.autoscaling.knative.dev/min-scale`);
  });

  it('a revision that never became ready stays failed once the autoscaler gives up on it and scales it to zero', async () => {
    // The KPA scales an activating revision to zero after its progress deadline plus a buffer.
    await waitFor('hello-00004 scaled to zero', async () => (await get('deployment/hello-00004-deployment', '{.spec.replicas}')) === '0' || undefined, 90_000);
    // At zero the Deployment is no longer past its deadline; the PodAutoscaler never initialised its target (upstream's wording).
    const rev = await waitFor('hello-00004 failed for want of its initial scale', async () => {
      const c = ready(await conditionsOf('revision/hello-00004'));
      return c?.message === 'Initial scale was never achieved' ? c : undefined;
    });
    assert.deepEqual([rev.status, rev.reason], ['False', 'ProgressDeadlineExceeded']);
    const svc = await waitFor('the Service to carry the revision\'s latest message', async () => {
      const c = ready(await conditionsOf('ksvc/hello'));
      return c?.message === `Revision "hello-00004" failed with message: ${rev.message}.` ? c : undefined;
    });
    assert.deepEqual([svc.status, svc.reason], ['False', 'RevisionFailed']);
    for (const failed of ['hello-00002', 'hello-00003']) assert.equal(ready(await conditionsOf(`revision/${failed}`))?.status, 'False', failed);
    assert.equal(await curl(), 'Hello Openshift!\n');
  });

  it('an unknown revision in traffic: the Route and Service report RevisionMissing, the old revision answers', async () => {
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', JSON.stringify({ spec: { traffic: [{ revisionName: 'hello-09999', percent: 100 }] } })]);
    const routeReady = await waitFor('the Route to report the missing revision', async () => {
      const c = (await conditionsOf('routes.serving.knative.dev/hello')).find((x) => x.type === 'AllTrafficAssigned');
      return c?.status === 'False' ? c : undefined;
    });
    assert.deepEqual([routeReady.reason, routeReady.message], ['RevisionMissing', 'Revision "hello-09999" referenced in traffic not found.']);
    const routesReady = await waitFor('the Service to report it', async () => {
      const c = (await conditionsOf('ksvc/hello')).find((x) => x.type === 'RoutesReady');
      return c?.status === 'False' ? c : undefined;
    });
    assert.deepEqual([routesReady.reason, routesReady.message], ['RevisionMissing', 'Revision "hello-09999" referenced in traffic not found.']);
    assert.equal(await curl(), 'Hello Openshift!\n');

    // Pointing traffic back at the latest ready revision clears the Route's failure.
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', JSON.stringify({ spec: { traffic: [{ latestRevision: true, percent: 100 }] } })]);
    await waitFor('RoutesReady again', async () => (await conditionsOf('ksvc/hello')).find((x) => x.type === 'RoutesReady')?.status === 'True' || undefined);
    assert.equal(await curl(), 'Hello Openshift!\n');
  });

  it('a good template again: the Configuration and Service recover and the new revision answers', async () => {
    await s.kubectl.ok(['patch', 'ksvc', 'hello', '--type', 'merge', '-p', templatePatch([{ image: GOOD_IMAGE, env: [{ name: 'TARGET', value: 'again' }] }])]);
    await waitFor('the Service Ready with hello-00005', async () => {
      const ok = ready(await conditionsOf('ksvc/hello'))?.status === 'True';
      return ok && (await get('ksvc/hello', '{.status.latestReadyRevisionName}')) === 'hello-00005' ? true : undefined;
    }, 60_000);
    assert.equal(ready(await conditionsOf('configuration/hello'))?.status, 'True');
    await waitFor('the new revision answering', async () => (await curl()) === 'Hello again!\n' || undefined);
  });
});
