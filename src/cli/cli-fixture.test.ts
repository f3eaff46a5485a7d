/**
 * The CLI against a running instance: `skiff up` run by the fixture (the real command line
 * with a small HTTPS server in place of the whole of skiff), driven by `node bin/skiff.js`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { SKIFF_FIXTURE, runSkiffProcess, startUpProcess, type StartedUp } from './testing/run-skiff.ts';

const roots: string[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'skiff-cli-fixture-'));
  roots.push(root);
  return join(root, 'data');
}

/** Starts `skiff up` (fixture) and resolves once it has printed its ready message. */
function startUp(dir: string, extraEnv: Record<string, string> = {}, args: string[] = []): Promise<StartedUp> {
  const argv = ['--import', 'tsx', SKIFF_FIXTURE, 'up', '--data-dir', dir, '--api-port', '0', ...args];
  return startUpProcess(argv, { SKIFF_LOG_LEVEL: 'silent', ...extraEnv }, (child) => children.push(child));
}

describe('a running instance', async () => {
  const dir = await dataDir();
  const up = await startUp(dir);
  const apiServer = /API server: +(https:\/\/127\.0\.0\.1:\d+)\n/.exec(up.stdout())![1]!;
  const env = { SKIFF_DATA_DIR: dir };

  test('up prints the API URL, the kubeconfig path and the export hint', () => {
    assert.equal(up.stdout(), [
      `skiff is running (pid ${up.child.pid})`,
      `API server:  ${apiServer}`,
      `kubeconfig:  ${dir}/kubeconfig`,
      `data dir:    ${dir}`,
      'store:       embedded',
      '',
      `export KUBECONFIG=${dir}/kubeconfig`,
      '',
    ].join('\n'));
  });

  test('skiff.json describes the instance', async () => {
    const info = JSON.parse(await readFile(join(dir, 'skiff.json'), 'utf8'));
    assert.deepEqual({ ...info, startedAt: undefined }, { pid: up.child.pid, apiServer, kubeconfig: `${dir}/kubeconfig`, dataDir: dir, store: 'embedded', startedAt: undefined, version: '0.1.0' });
  });

  test('status -o json has exactly the documented keys, with the API server first among components', async () => {
    const result = await runSkiffProcess(['status', '-o', 'json'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      apiServer,
      kubeconfig: `${dir}/kubeconfig`,
      dataDir: dir,
      store: 'embedded',
      components: [
        { name: 'apiserver', healthy: true, message: 'ready' },
        { name: 'store', healthy: true },
        { name: 'controllers', healthy: true },
      ],
    });
  });

  test('status as text and as YAML', async () => {
    const text = await runSkiffProcess(['status'], env);
    assert.equal(text.code, 0);
    assert.equal(text.stdout, [
      `skiff is running (pid ${up.child.pid})`,
      `API server:  ${apiServer}`,
      `kubeconfig:  ${dir}/kubeconfig`,
      `data dir:    ${dir}`,
      'store:       embedded',
      '',
      'COMPONENT    HEALTHY  MESSAGE',
      'apiserver    yes      ready',
      'store        yes',
      'controllers  yes',
      '',
    ].join('\n'));
    const yaml = await runSkiffProcess(['status', '-o', 'yaml'], env);
    assert.equal(parse(yaml.stdout).apiServer, apiServer);
  });

  test('version adds the server version from GET /version', async () => {
    const text = await runSkiffProcess(['version'], env);
    assert.deepEqual(text, { code: 0, stdout: 'Client Version: 0.1.0\nServer Version: v1.32.0-skiff.0.1.0\n', stderr: '' });
    const json = JSON.parse((await runSkiffProcess(['version', '-o', 'json'], env)).stdout);
    assert.equal(json.clientVersion, '0.1.0');
    assert.deepEqual({ major: json.serverVersion.major, minor: json.serverVersion.minor, gitVersion: json.serverVersion.gitVersion }, { major: '1', minor: '32', gitVersion: 'v1.32.0-skiff.0.1.0' });
  });

  test('kubeconfig prints the path', async () => {
    assert.deepEqual(await runSkiffProcess(['kubeconfig'], env), { code: 0, stdout: `${dir}/kubeconfig\n`, stderr: '' });
  });

  test('a second up on the same data directory fails with SKF_CLI_DATA_DIR_IN_USE', async () => {
    const second = await runSkiffProcess(['up', '--api-port', '0'], env);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, '');
    assert.equal(second.stderr, `error: skiff is already running on ${dir} (pid ${up.child.pid}, API ${apiServer}); stop it with \`skiff down --data-dir ${dir}\` [SKF_CLI_DATA_DIR_IN_USE]\nhint: Stop it with \`skiff down --data-dir DIR\`, or pass another --data-dir.\n`);
  });

  test('down stops it: exit 0, "skiff stopped", skiff.json and the lock gone, up exits 0', async () => {
    const down = await runSkiffProcess(['down'], env);
    assert.deepEqual(down, { code: 0, stdout: 'skiff stopped\n', stderr: '' });
    assert.equal(await up.exited, 0);
    assert.match(up.stdout(), /\nskiff stopped\n$/);
    await assert.rejects(access(join(dir, 'skiff.json')));
    await assert.rejects(access(join(dir, 'skiff.lock')));
    const status = await runSkiffProcess(['status'], env);
    assert.equal(status.code, 1);
    assert.match(status.stderr, /\[SKF_CLI_NOT_RUNNING\]/);
    assert.equal((await runSkiffProcess(['kubeconfig'], env)).stdout, `${dir}/kubeconfig\n`, 'the kubeconfig outlives the instance');
  });
});

describe('lifecycle edge cases', () => {
  test('up -o json prints the InstanceInfo; SIGINT stops it cleanly (exit 0)', async () => {
    const dir = await dataDir();
    const up = await startUp(dir, {}, ['-o', 'json']);
    const info = JSON.parse(up.stdout());
    assert.equal(info.pid, up.child.pid);
    assert.equal(info.dataDir, dir);
    up.child.kill('SIGINT');
    assert.equal(await up.exited, 0);
    assert.equal(up.stdout(), `${JSON.stringify(info, null, 2)}\n`, 'nothing but the JSON document on stdout');
  });

  test('an unhealthy component: status exits 1 and names it', async () => {
    const dir = await dataDir();
    const up = await startUp(dir, { SKIFF_FIXTURE_UNHEALTHY: 'store' });
    const result = await runSkiffProcess(['status', '-o', 'json'], { SKIFF_DATA_DIR: dir });
    assert.equal(result.code, 1);
    const components = JSON.parse(result.stdout).components;
    assert.deepEqual(components[0], { name: 'apiserver', healthy: false, message: 'not ready: store failed: reason withheld' });
    assert.deepEqual(components[1], { name: 'store', healthy: false, message: 'store is failing (fixture)' });
    const text = await runSkiffProcess(['status'], { SKIFF_DATA_DIR: dir });
    assert.match(text.stdout, /^skiff is running \(pid \d+\) but not healthy\n/);
    assert.match(text.stdout, /\nstore +no +store is failing \(fixture\)\n/);
    up.child.kill('SIGTERM');
    assert.equal(await up.exited, 0);
  });

  test('down --timeout: SKF_CLI_STOP_TIMEOUT when the instance does not stop in time', async () => {
    const dir = await dataDir();
    const up = await startUp(dir, { SKIFF_FIXTURE_HANG_ON_STOP: '1' });
    const down = await runSkiffProcess(['down', '--timeout', '300ms'], { SKIFF_DATA_DIR: dir });
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`^error: skiff \\(pid ${up.child.pid}\\) on ${dir} is still running 0\\.3s after SIGTERM \\[SKF_CLI_STOP_TIMEOUT\\]`));
    up.child.kill('SIGKILL');
    await up.exited;
  });

  test('after a crash (SIGKILL) the next up takes over the stale lock and replaces skiff.json', async () => {
    const dir = await dataDir();
    const crashed = await startUp(dir);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    const status = await runSkiffProcess(['status'], { SKIFF_DATA_DIR: dir });
    assert.match(status.stderr, new RegExp(`skiff\\.json names pid ${crashed.child.pid}, which is no longer running`));
    const next = await startUp(dir);
    const info = JSON.parse(await readFile(join(dir, 'skiff.json'), 'utf8'));
    assert.equal(info.pid, next.child.pid);
    const down = await runSkiffProcess(['down', '-o', 'json'], { SKIFF_DATA_DIR: dir });
    assert.deepEqual(JSON.parse(down.stdout), { stopped: true, pid: next.child.pid, dataDir: dir });
    assert.equal(await next.exited, 0);
  });

  test('up fails with SKF_CLI_PORT_IN_USE when the port is taken, and releases the lock', async () => {
    const dir = await dataDir();
    const first = await startUp(dir);
    const port = /127\.0\.0\.1:(\d+)/.exec(first.stdout())![1]!;
    const other = await dataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', SKIFF_FIXTURE, 'up', '--data-dir', other, '--api-port', port], { env: { ...process.env, SKIFF_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(err, new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is in use \\[SKF_CLI_PORT_IN_USE\\]`));
    await assert.rejects(access(join(other, 'skiff.lock')));
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
  });
});
