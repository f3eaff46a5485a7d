/**
 * Seed 002 end to end (issue 6 item 8), with a fresh skiff whose apps domain is the seed's:
 * the openssl commands and the wildcard Secret, the SMCP, the member roll (knative-serving,
 * knative-eventing, default), the Gateways, the KnativeServing and the seed's Knative Service
 * (enablePassthrough, sidecar injection, rewriteAppHTTPProbers) with the hello-world image
 * and TARGET=Openshift; then curl through skiff's router with the seed's root CA prints
 * `Hello Openshift!`. It then waits for the revision to scale to zero and curls again: the
 * request is held by the activator while the revision scales from zero, and answered.
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

/** The seed's Knative Service with the sample's TARGET (the document's example output is `Hello Openshift!`). */
function withTarget(ksvc: string): string {
  return ksvc.replace(/^( *)- (image: .+)$/m, (_m, indent: string, image: string) => `${indent}- ${image}\n${indent}  env:\n${indent}  - name: TARGET\n${indent}    value: Openshift`);
}

/** Scale to zero in seconds rather than a minute and a half, through the CR as the operator documents (spec.config). */
const FAST_SCALE_DOWN = JSON.stringify({ spec: { config: { autoscaler: { 'stable-window': '6s', 'scale-to-zero-grace-period': '2s' } } } });

describe('seed 002 end to end: Hello Openshift!', () => {
  let s: TestSkiff;
  let certDir: string;
  let httpsPort: number;
  const curl = async () => {
    try {
      const r = await run('curl', ['-sS', '--max-time', '60', '--cacert', 'root.crt', '--resolve', `${HOST}:${httpsPort}:127.0.0.1`, `https://${HOST}:${httpsPort}`], { cwd: certDir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    httpsPort = s.skiff.info.ingress!.https.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-serving-seed-'));
    const seed = await installSeedServing(s, certDir, { knativeServingPatch: FAST_SCALE_DOWN });
    await apply(withTarget(seed.knativeService));
  });
  after(async () => {
    await s?.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('the Knative Service becomes Ready with the seed\'s https URL', async () => {
    await s.kubectl.ok(['wait', 'ksvc/hello', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
    const url = await s.kubectl.ok(['get', 'ksvc', 'hello', '-o', 'jsonpath={.status.url}']);
    assert.equal(url, `https://${HOST}`);
    const revision = await s.kubectl.ok(['get', 'ksvc', 'hello', '-o', 'jsonpath={.status.latestReadyRevisionName}']);
    assert.equal(revision, 'hello-00001');
  });

  it('curl through the router with the seed\'s root CA prints Hello Openshift!', async () => {
    const r = await waitFor('the service answering through the router', async () => {
      const c = await curl();
      return c.stdout === 'Hello Openshift!\n' ? c : undefined;
    }, 60_000);
    assert.equal(r.code, 0);
  });

  it('scales to zero when idle, and the next request scales it back and is answered', async () => {
    await waitFor('no pods of the revision', async () => {
      const pods = await s.kubectl.ok(['get', 'pods', '-n', 'default', '-l', 'serving.knative.dev/revision=hello-00001', '-o', 'name']);
      return pods.trim() === '' ? true : undefined;
    }, 120_000);
    const r = await curl();
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Hello Openshift!\n', '']);
  });
});
