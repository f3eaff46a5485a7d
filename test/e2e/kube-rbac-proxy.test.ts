/**
 * kube-rbac-proxy in a pod, with the real kubectl, openssl and curl: OpenShift Serverless'
 * metrics pattern — a metrics server on 9090 (go-httpbin) and the ose-kube-rbac-proxy
 * sidecar on 8444 with a TLS Secret — answers a caller presenting the pod's service account
 * token over HTTPS, and says 401 to a caller without a token or with a wrong one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { getPod } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const NS = 'krp-e2e';
const NAME = 'metrics.krp-e2e.svc';

const pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'metrics', namespace: NS },
  spec: {
    containers: [
      { name: 'httpbin', image: 'mccutchen/go-httpbin', ports: [{ containerPort: 9090 }] },
      {
        name: 'kube-rbac-proxy',
        image: 'registry.redhat.io/openshift4/ose-kube-rbac-proxy:v4.13',
        args: ['--secure-listen-address=0.0.0.0:8444', '--upstream=http://127.0.0.1:9090/', '--tls-cert-file=/etc/tls/private/tls.crt',
          '--tls-private-key-file=/etc/tls/private/tls.key', '--logtostderr=true', '--v=2'],
        ports: [{ containerPort: 8444, name: 'https' }],
        readinessProbe: { tcpSocket: { port: 8444 } },
        volumeMounts: [{ name: 'tls', mountPath: '/etc/tls/private', readOnly: true }],
      },
    ],
    volumes: [{ name: 'tls', secret: { secretName: 'metrics-tls' } }],
  },
};

describe('kube-rbac-proxy (built-in image)', () => {
  let t: TestSkiff;
  let podIp = '';
  const files = mkdtempSync(join(tmpdir(), 'krp-e2e-'));
  const curl = async (path: string, headers: string[] = []) => {
    const args = ['-sS', '--cacert', join(files, 'tls.crt'), '--resolve', `${NAME}:8444:${podIp}`, '-o', '-', '-w', '\n%{http_code}', ...headers.flatMap((h) => ['-H', h]), `https://${NAME}:8444${path}`];
    const { stdout } = await run('curl', args);
    const cut = stdout.lastIndexOf('\n');
    return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
  };

  before(async () => {
    t = await startTestSkiff();
    await t.kubectl.ok(['create', 'namespace', NS]);
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`,
      '-keyout', join(files, 'tls.key'), '-out', join(files, 'tls.crt')]);
    await t.kubectl.ok(['create', 'secret', 'tls', 'metrics-tls', '-n', NS, `--cert=${join(files, 'tls.crt')}`, `--key=${join(files, 'tls.key')}`]);
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
    await t.kubectl.ok(['wait', '--for=condition=Ready', '-n', NS, 'pod/metrics', '--timeout=60s']);
    podIp = (await getPod(t.kubectl, 'metrics', NS))!.status!.podIP!;
  });
  after(async () => {
    await t?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('proxies a caller with the pod\'s service account token to the upstream over HTTPS', async () => {
    const token = (await t.kubectl.ok(['exec', '-n', NS, 'metrics', '-c', 'httpbin', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'])).trim();
    assert.ok(token.length > 0);
    const answer = await curl('/get?from=e2e', [`Authorization: Bearer ${token}`]);
    assert.equal(answer.status, 200, answer.body);
    const echoed = JSON.parse(answer.body) as { args?: Record<string, unknown>; headers?: Record<string, unknown> };
    assert.match(JSON.stringify(echoed.args), /e2e/, 'the query reaches the upstream');
    const headerNames = Object.keys(echoed.headers ?? {}).map((h) => h.toLowerCase());
    assert.ok(!headerNames.includes('authorization'), 'the token stays with the proxy');
  });

  it('says 401 Unauthorized without a token and with a wrong one', async () => {
    for (const headers of [[], ['Authorization: Bearer not-a-token']]) {
      const answer = await curl('/get', headers);
      assert.equal(answer.status, 401);
      assert.equal(answer.body, 'Unauthorized\n');
    }
  });

  it('serves the Secret\'s certificate', async () => {
    const { stdout } = await run('sh', ['-c', `echo | openssl s_client -connect ${podIp}:8444 -servername ${NAME} 2>/dev/null | openssl x509 -noout -fingerprint -sha256`]);
    const { stdout: expected } = await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', join(files, 'tls.crt')]);
    assert.equal(stdout.trim(), expected.trim());
  });
});
