/**
 * `skiff up` / `down` end to end: the real server (src/server/start.ts), driven by the
 * `skiff` executable and by kubectl through the kubeconfig skiff writes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { SKIFF_BIN, runSkiffProcess, startUpProcess, type StartedUp } from './testing/run-skiff.ts';

const run = promisify(execFile);

const roots: string[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

function startUp(dir: string, flags: string[] = []): Promise<StartedUp> {
  return startUpProcess([SKIFF_BIN, 'up', '--data-dir', dir, '--api-port', '0', ...flags], { SKIFF_LOG_LEVEL: 'warn' }, (child) => children.push(child));
}

test('skiff up serves kubectl, reports status and version, refuses a second up, and stops with down', async () => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-e2e-'));
  roots.push(root);
  const dir = join(root, 'data');
  const env = { SKIFF_DATA_DIR: dir };
  const kubectlEnv = { ...process.env, HOME: root, KUBECACHEDIR: join(root, 'kube-cache'), KUBECONFIG: join(dir, 'kubeconfig') };
  const kubectl = (...args: string[]) => run(process.env.KUBECTL ?? 'kubectl', args, { env: kubectlEnv });

  const up = await startUp(dir);
  const apiServer = /API server: +(https:\/\/127\.0\.0\.1:\d+)\n/.exec(up.stdout())?.[1];
  assert.ok(apiServer !== undefined, up.stdout());
  assert.match(up.stdout(), new RegExp(`\nexport KUBECONFIG=${dir}/kubeconfig\n`));

  const readyz = await kubectl('get', '--raw', '/readyz?verbose');
  assert.match(readyz.stdout, /readyz check passed/);
  const version = JSON.parse((await kubectl('version', '-o', 'json')).stdout);
  assert.match(version.serverVersion.gitVersion, /^v1\.32\.0-skiff\./);
  await kubectl('get', 'namespace', 'default');

  const status = await runSkiffProcess(['status', '-o', 'json'], env);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  const report = JSON.parse(status.stdout);
  assert.deepEqual(Object.keys(report), ['apiServer', 'kubeconfig', 'dataDir', 'store', 'ingress', 'domain', 'components', 'networkPolicy', 'meshProxies']);
  assert.match(String(report.ingress.https.port), /^\d+$/);
  assert.equal(typeof report.networkPolicy.enforced, 'boolean');
  assert.deepEqual(report.meshProxies, [], 'no mesh yet');
  const text = await runSkiffProcess(['status'], env);
  assert.match(text.stdout, /^network policy: +(enforced by the kernel \(0 policies, 0 isolated pods\)|not enforced: .+)$/m);
  assert.equal(report.apiServer, apiServer);
  assert.ok(report.components.every((c: { healthy: boolean }) => c.healthy), status.stdout);

  const skiffVersion = await runSkiffProcess(['version'], env);
  assert.match(skiffVersion.stdout, /^Client Version: \S+\nServer Version: v1\.32\.0-skiff\.\S+\n$/);

  const second = await runSkiffProcess(['up', '--api-port', '0'], env);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`skiff is already running on ${dir} \\(pid ${up.child.pid}, API ${apiServer}\\).*\\[SKF_CLI_DATA_DIR_IN_USE\\]`));

  const caBefore = await readFile(join(dir, 'pki', 'ca.crt'), 'utf8');
  const down = await runSkiffProcess(['down'], env);
  assert.deepEqual(down, { code: 0, stdout: 'skiff stopped\n', stderr: '' });
  assert.equal(await up.exited, 0);
  await assert.rejects(access(join(dir, 'skiff.json')));

  // A restart on the same directory keeps the CA, so the kubeconfig kubectl holds still works.
  const again = await startUp(dir);
  assert.equal(await readFile(join(dir, 'pki', 'ca.crt'), 'utf8'), caBefore);
  await kubectl('get', 'namespace', 'default');
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
});

test('skiff up takes the Service ranges as kube-apiserver takes them, and refuses one off loopback', async () => {
  const root = await mkdtemp(join(tmpdir(), 'skiff-e2e-'));
  roots.push(root);
  const dir = join(root, 'data');
  const refused = await runSkiffProcess(['up', '--data-dir', dir, '--service-cluster-ip-range', '10.96.0.0/12'], {});
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /10\.96\.0\.0\/12 is not inside 127\.0\.0\.0\/8/);

  const up = await startUp(dir, ['--service-cluster-ip-range', '127.99.7.0/24', '--service-node-port-range', '31000-31009']);
  const kubectlEnv = { ...process.env, HOME: root, KUBECACHEDIR: join(root, 'kube-cache'), KUBECONFIG: join(dir, 'kubeconfig') };
  await run(process.env.KUBECTL ?? 'kubectl', ['create', 'service', 'nodeport', 'np', '--tcp=80:8080'], { env: kubectlEnv });
  const svc = JSON.parse((await run(process.env.KUBECTL ?? 'kubectl', ['get', 'service', 'np', '-o', 'json'], { env: kubectlEnv })).stdout);
  assert.match(svc.spec.clusterIP, /^127\.99\.7\.\d+$/);
  assert.ok(svc.spec.ports[0].nodePort >= 31000 && svc.spec.ports[0].nodePort <= 31009, String(svc.spec.ports[0].nodePort));
  up.child.kill('SIGTERM');
  assert.equal(await up.exited, 0);
});
