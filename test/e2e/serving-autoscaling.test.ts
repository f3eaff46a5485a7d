/**
 * Knative autoscaling end to end (issue 6 items 6 and 7): one skiff with seed 002's mesh,
 * Gateways and KnativeServing, Knative Services on the echo image, and every request sent
 * as a user would — HTTPS through skiff's router (passthrough by SNI) to the ingress gateway,
 * then the revision's public Service (pods or activator), queue-proxy and the app.
 *
 * Windows are short so the file runs in a few minutes: `spec.config.autoscaler` on the
 * KnativeServing (stable-window 6s, grace 2s, allow-zero-initial-scale) and the revision's
 * `autoscaling.knative.dev/window`. The queue-proxy's 30 s drain is shortened to DRAIN_SECONDS
 * with an image mapping (`<dataDir>/images.yaml`) that runs the queue image as the built-in
 * queue-proxy with SKIFF_QUEUE_DRAIN_SECONDS set: the Deployment builder has no knob for it,
 * and every pod deletion would otherwise last 30 s.
 *
 * The Services are created together in `before` and scale independently, so the idle waits
 * of the scale-to-zero cases overlap; `enable-scale-to-zero` is cluster-wide and runs last.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { innerAddressOf } from '../../src/runtime/network/inner-address.ts';
import { installSeedServing } from '../support/seed-002-serving.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const DOMAIN = 'apps.openshift.example.com';
const IMAGE = 'ghcr.io/mccutchen/go-httpbin';
const DRAIN_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SERVING_CONFIG = JSON.stringify({
  spec: { config: { autoscaler: { 'stable-window': '6s', 'scale-to-zero-grace-period': '2s', 'allow-zero-initial-scale': 'true' } } },
});

/** A Knative Service like the seed's (passthrough, injected sidecar) on the echo image. */
function ksvc(name: string, annotations: Record<string, string>, spec: Record<string, unknown> = {}, env: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true' } },
    spec: {
      template: {
        metadata: { annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true', ...annotations } },
        spec: { ...spec, containers: [{ image: IMAGE, env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
      },
    },
  });
}

interface Answer { status: number; body: string; hostname: string }

describe('Knative autoscaling through the router, gateway, activator and queue-proxy', () => {
  let s: TestSkiff;
  let dataDir: string;
  let certDir: string;
  let httpsPort: number;
  let ca: Buffer;
  const apply = (doc: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: doc });

  /** One HTTPS request on its own connection, as curl --resolve would send it. */
  const get = (service: string, path = '/', timeoutMs = 60_000) => new Promise<Answer>((resolve, reject) => {
    const host = `${service}-default.${DOMAIN}`;
    const req = request({ host: '127.0.0.1', port: httpsPort, servername: host, path, headers: { host }, ca, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        let hostname = '';
        try { hostname = (JSON.parse(body) as { hostname?: string }).hostname ?? ''; } catch { /* not the echo's JSON */ }
        resolve({ status: res.statusCode ?? 0, body, hostname });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}${path} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });

  /** The revision's pods as `kubectl get pods` lists them: all of them, and the ready ones not terminating. */
  const pods = async (revision: string) => {
    const list = JSON.parse(await s.kubectl.ok(['get', 'pods', '-n', 'default', '-l', `serving.knative.dev/revision=${revision}`, '-o', 'json'])) as {
      items: { metadata: { name: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    };
    const ready = list.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const terminating = list.items.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    return { all: list.items.map((p) => p.metadata.name), ready: ready.map((p) => p.metadata.name), terminating };
  };
  const waitPods = (revision: string, check: (p: { all: string[]; ready: string[]; terminating: string[] }) => boolean, what: string, timeoutMs = 90_000) =>
    waitFor(`${revision}: ${what}`, async () => { const p = await pods(revision); return check(p) ? p : undefined; }, timeoutMs);
  const field = (kind: string, name: string, path: string) => s.kubectl.ok(['get', kind, name, '-n', 'default', '-o', `jsonpath={${path}}`]);
  const ready = (name: string) => s.kubectl.ok(['wait', `ksvc/${name}`, '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  /** Waits until the service answers 200 through the whole path. */
  const answering = (name: string) => waitFor(`${name} answering`, async () => {
    const a = await get(name).catch(() => undefined);
    return a?.status === 200 ? a : undefined;
  }, 60_000);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-autoscaling-'));
    writeFileSync(join(dataDir, 'images.yaml'), [
      'images:',
      '  - image: "*serving/cmd/queue*"',
      '    builtin: queue-proxy',
      `    env: { SKIFF_QUEUE_DRAIN_SECONDS: "${DRAIN_SECONDS}" }`,
      '',
    ].join('\n'));
    s = await startTestSkiff({ domain: DOMAIN, dataDir });
    httpsPort = s.skiff.info.ingress!.https.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-autoscaling-certs-'));
    await installSeedServing(s, certDir, { knativeServingPatch: SERVING_CONFIG });
    ca = readFileSync(join(certDir, 'root.crt'));
    await waitFor('config-autoscaler written from spec.config', async () =>
      (await s.kubectl.ok(['get', 'cm', 'config-autoscaler', '-n', 'knative-serving', '-o', 'jsonpath={.data.stable-window}'])) === '6s' || undefined, 30_000);
    const window = { 'autoscaling.knative.dev/window': '6s' };
    await Promise.all([
      apply(ksvc('min2', { ...window, 'autoscaling.knative.dev/min-scale': '2' })),
      apply(ksvc('max2', { ...window, 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target': '1' })),
      apply(ksvc('retain', { ...window, 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '20s' })),
      apply(ksvc('cc1', { ...window, 'autoscaling.knative.dev/max-scale': '1' }, { containerConcurrency: 1 })),
      apply(ksvc('burst', window)),
      apply(ksvc('roll', window, {}, { VERSION: '1' })),
    ]);
  });
  after(async () => {
    await s?.stop();
    for (const dir of [certDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('min-scale 2 keeps two pods and never scales to zero', async () => {
    await ready('min2');
    await answering('min2');
    await waitPods('min2-00001', (p) => p.ready.length === 2, 'two ready pods');
    // Idle for well past the stable window (6s) and the grace period (2s).
    for (let i = 0; i < 8; i++) {
      await sleep(2000);
      assert.equal((await pods('min2-00001')).ready.length, 2, 'still two pods while idle');
    }
    assert.equal(await field('podautoscaler', 'min2-00001', '.status.desiredScale'), '2');
  });

  it('a burst of 20 concurrent requests to a scaled-to-zero service is answered in full', async (t) => {
    await ready('burst');
    await answering('burst');
    await waitPods('burst-00001', (p) => p.all.length === 0, 'scaled to zero (kubectl get pods shows none)');
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('burst', '/delay/1').catch((err: Error) => ({ status: 0, body: err.message, hostname: '' }))));
    const answered = Date.now();
    assert.deepEqual(answers.filter((a) => a.status !== 200), [], 'no request dropped');
    // The activator forwards as soon as its own probe of the pod passes; the kubelet's Ready follows.
    await waitPods('burst-00001', (p) => p.ready.length >= 1, 'back from zero', 30_000);
    t.diagnostic(`20 answers from zero in ${answered - started} ms; the pod Ready ${Date.now() - answered} ms later`);
  });

  it('scale-to-zero-pod-retention-period keeps the last pod past the grace period', async () => {
    await ready('retain');
    await answering('retain');
    await waitPods('retain-00001', (p) => p.ready.length === 1, 'one ready pod', 30_000);
    assert.equal((await get('retain')).status, 200);
    const lastRequest = Date.now();
    // Without retention the pod would go after stable window + grace (~8 s); with 20 s it stays.
    while (Date.now() - lastRequest < 18_000) {
      assert.equal((await pods('retain-00001')).ready.length, 1, `the last pod is retained (${Math.round((Date.now() - lastRequest) / 1000)} s idle)`);
      await sleep(2000);
    }
    await waitPods('retain-00001', (p) => p.ready.length === 0, 'scaled to zero after the retention period', 60_000);
    assert.ok(Date.now() - lastRequest >= 20_000);
  });

  it('max-scale 2 caps the revision under load (target 1, 8 concurrent slow requests)', async () => {
    await ready('max2');
    await answering('max2');
    let highest = 0;
    let loading = true;
    const watch = (async () => {
      while (loading) {
        const replicas = Number(await field('deployment', 'max2-00001-deployment', '.spec.replicas'));
        const desired = Number(await field('podautoscaler', 'max2-00001', '.status.desiredScale') || 0);
        highest = Math.max(highest, replicas, desired, (await pods('max2-00001')).all.length);
        await sleep(500);
      }
    })();
    const deadline = Date.now() + 12_000;
    const worker = async () => {
      const statuses: number[] = [];
      while (Date.now() < deadline) statuses.push((await get('max2', '/delay/2')).status);
      return statuses;
    };
    const statuses = (await Promise.all(Array.from({ length: 8 }, worker))).flat();
    loading = false;
    await watch;
    assert.ok(statuses.length >= 16 && statuses.every((c) => c === 200), `all answered: ${statuses.join(',')}`);
    assert.equal(highest, 2, 'scaled up to max-scale and never above it');
  });

  it('containerConcurrency 1 is a hard limit: concurrent requests are queued, not dropped', async () => {
    await ready('cc1');
    await answering('cc1');
    const n = 6;
    // What the queue-proxy reports to the autoscaler (:9090), sampled while the requests run.
    const [pod] = (await waitPods('cc1-00001', (p) => p.ready.length === 1, 'one ready pod', 30_000)).ready;
    // The pod is meshed and its sidecar is STRICT: read the queue-proxy where kubectl
    // port-forward would, at the pod's own (inner) address behind the sidecar.
    const podIP = innerAddressOf(await field('pod', pod!, '.status.podIP'), await s.kubectl.ok(['get', 'nodes', '-o', 'jsonpath={.items[0].spec.podCIDR}']));
    const concurrency: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await fetch(`http://${podIP}:9090/metrics`).then((r) => r.text()).catch(() => '');
        const m = /^queue_average_concurrent_requests\{[^}]*\} (\S+)$/m.exec(text);
        if (m) concurrency.push(Number(m[1]));
        await sleep(250);
      }
    })();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: n }, () => get('cc1', '/delay/1')));
    const elapsed = Date.now() - started;
    sampling = false;
    await sampler;
    assert.ok(concurrency.some((c) => c > 0.5), `the queue-proxy reported the load: ${concurrency.join(',')}`);
    assert.ok(concurrency.every((c) => c <= 1 + 1e-9), `never more than one request in flight: ${concurrency.join(',')}`);
    assert.deepEqual(answers.map((a) => a.status), Array(n).fill(200));
    // One pod (max-scale 1), one request at a time: n one-second requests take n seconds.
    assert.equal(new Set(answers.map((a) => a.hostname)).size, 1);
    assert.ok(elapsed >= n * 1000 - 200, `served one at a time (${elapsed} ms for ${n} × 1 s)`);
  });

  it('a rolling update under a steady stream of requests drops none', async () => {
    await ready('roll');
    await answering('roll');
    const seen: { status: number; hostname: string; error?: string }[] = [];
    let streaming = true;
    const stream = async () => {
      while (streaming) {
        const a = await get('roll', '/').catch((err: Error) => ({ status: 0, body: '', hostname: '', error: err.message }));
        seen.push(a);
      }
    };
    const streams = [stream(), stream()];
    await sleep(1000);
    await s.kubectl.ok(['patch', 'ksvc', 'roll', '-n', 'default', '--type', 'merge', '-p', ksvc('roll', { 'autoscaling.knative.dev/window': '6s' }, {}, { VERSION: '2' })]);
    await waitFor('roll-00002 ready and latest', async () =>
      (await field('ksvc', 'roll', '.status.latestReadyRevisionName')) === 'roll-00002' || undefined, 90_000);
    await waitFor('the stream reaching roll-00002', () => seen.slice(-5).every((a) => a.hostname.startsWith('roll-00002-')) || undefined, 60_000);
    // The old pod goes (unreachable → zero) with its preStop drain while requests keep flowing.
    let terminatingSince = 0;
    await waitPods('roll-00001', (p) => {
      if (p.terminating.length > 0 && !terminatingSince) terminatingSince = Date.now();
      return p.all.length === 0;
    }, 'the old revision\'s pod gone', 90_000);
    // Its preStop hook (/wait-for-drain) held the app until the queue-proxy's quiet period passed.
    assert.ok(terminatingSince > 0 && Date.now() - terminatingSince >= (DRAIN_SECONDS - 1) * 1000, `terminated after a drain (${Date.now() - terminatingSince} ms)`);
    await sleep(1000);
    streaming = false;
    await Promise.all(streams);
    assert.deepEqual(seen.filter((a) => a.status !== 200), [], 'no request dropped during the rollout');
    assert.ok(seen.some((a) => a.hostname.startsWith('roll-00001-')) && seen.some((a) => a.hostname.startsWith('roll-00002-')));
  });

  /** A service whose revision starts with no pod: none until the first request, which is answered. */
  const startsAtZero = async (name: string) => {
    await ready(name);
    assert.equal(await field('deployment', `${name}-00001-deployment`, '.spec.replicas'), '0');
    assert.deepEqual((await pods(`${name}-00001`)).all, []);
    const a = await get(name);
    assert.equal(a.status, 200);
    assert.match(a.hostname, new RegExp(`^${name}-00001-deployment-`));
  };

  it('initial-scale 0 in config-autoscaler (allow-zero-initial-scale) creates no pod until the first request', async () => {
    const initial = (v: string) => JSON.stringify({ spec: { config: { autoscaler: { 'initial-scale': v } } } });
    await s.kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', initial('0')]);
    await waitFor('config-autoscaler initial-scale 0', async () =>
      (await s.kubectl.ok(['get', 'cm', 'config-autoscaler', '-n', 'knative-serving', '-o', 'jsonpath={.data.initial-scale}'])) === '0' || undefined, 30_000);
    try {
      await apply(ksvc('zeroinit', { 'autoscaling.knative.dev/window': '6s' }));
      await startsAtZero('zeroinit');
    } finally {
      await s.kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', initial('1')]);
    }
  });

  // The Knative admission reads upstream's defaults, not the live config-autoscaler, so the
  // webhook denies the annotation ("not allowed by cluster") even with allow-zero-initial-scale.
  it('initial-scale 0 as a revision annotation (allow-zero-initial-scale) creates no pod until the first request', async () => {
    await apply(ksvc('initzero', { 'autoscaling.knative.dev/window': '6s', 'autoscaling.knative.dev/initial-scale': '0' }));
    await startsAtZero('initzero');
  });

  it('enable-scale-to-zero "false" keeps one pod; "true" again lets it go', async () => {
    const config = (v: string) => JSON.stringify({ spec: { config: { autoscaler: { 'enable-scale-to-zero': v } } } });
    await s.kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', config('false')]);
    await waitFor('config-autoscaler enable-scale-to-zero false', async () =>
      (await s.kubectl.ok(['get', 'cm', 'config-autoscaler', '-n', 'knative-serving', '-o', 'jsonpath={.data.enable-scale-to-zero}'])) === 'false' || undefined, 30_000);
    await apply(ksvc('keep1', { 'autoscaling.knative.dev/window': '6s' }));
    await ready('keep1');
    await answering('keep1');
    for (let i = 0; i < 7; i++) {
      await sleep(2000);
      assert.equal((await pods('keep1-00001')).ready.length, 1, 'one pod kept while idle');
    }
    await s.kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', config('true')]);
    await waitPods('keep1-00001', (p) => p.all.length === 0, 'scaled to zero once allowed', 60_000);
  });
});
