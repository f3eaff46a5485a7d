import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runSkiffInProcess, runSkiffProcess } from './testing/run-skiff.ts';

let home: string;
let env: Record<string, string>;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'skiff-cli-'));
  env = { HOME: home, SKIFF_DATA_DIR: join(home, 'data') };
});
after(() => rm(home, { recursive: true, force: true }));

const BAD_ARGUMENT = /^error: .* \[SKF_CLI_BAD_ARGUMENT\]\nhint: See `skiff <command> --help`\.\n$/;

describe('argument errors exit 1 with SKF_CLI_BAD_ARGUMENT', () => {
  const cases: [string, string[], RegExp][] = [
    ['port above 65535', ['up', '--api-port', '65536'], /argument '65536' is invalid\. Expected a port number from 1 to 65535, or 0/],
    ['port not a number', ['up', '--api-port', '80a'], /argument '80a' is invalid/],
    ['negative port', ['up', '--api-port=-1'], /argument '-1' is invalid/],
    ['missing port value', ['up', '--api-port'], /option '--api-port <port>' argument missing/],
    ['empty data dir', ['status', '--data-dir', ''], /The data directory must not be empty/],
    ['unknown output format', ['status', '-o', 'xml'], /Allowed choices are text, json, yaml/],
    ['bad timeout', ['down', '--timeout', '30'], /Expected a duration such as 30s/],
    ['unknown option', ['status', '--verbose'], /unknown option '--verbose'/],
    ['unknown command', ['stauts'], /unknown command 'stauts' \(Did you mean status\?\)/],
    ['extra argument', ['kubeconfig', 'extra'], /too many arguments for 'kubeconfig'/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const result = await runSkiffInProcess(args, env);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, BAD_ARGUMENT);
      assert.match(result.stderr, message);
    });
  }
});

describe('help and version', () => {
  test('every command has --help (exit 0, on stdout)', async () => {
    for (const command of [[], ['up'], ['status'], ['kubeconfig'], ['down'], ['version']]) {
      const result = await runSkiffInProcess([...command, '--help'], env);
      assert.equal(result.code, 0, command.join(' '));
      assert.match(result.stdout, new RegExp(`^Usage: skiff${command.length > 0 ? ` ${command[0]}` : ''} \\[options\\]`));
    }
  });

  test('commands that print data take -o json', async () => {
    for (const command of ['up', 'status', 'kubeconfig', 'down', 'version']) {
      const result = await runSkiffInProcess([command, '--help'], env);
      assert.match(result.stdout, /-o, --output <format>/, command);
    }
  });

  test('version prints the client version from package.json; only that when nothing runs', async () => {
    const text = await runSkiffInProcess(['version'], env);
    assert.deepEqual(text, { code: 0, stdout: 'Client Version: 0.1.0\n', stderr: '' });
    const json = await runSkiffInProcess(['version', '-o', 'json'], env);
    assert.deepEqual(JSON.parse(json.stdout), { clientVersion: '0.1.0' });
    assert.equal((await runSkiffInProcess(['--version'], env)).stdout, '0.1.0\n');
  });
});

describe('when nothing runs on the data directory', () => {
  const notRunning = (dir: string) => new RegExp(`^error: skiff is not running on ${dir} \\[SKF_CLI_NOT_RUNNING\\]\nhint: Start one with \`skiff up --data-dir DIR\``);

  test('status exits 1 with SKF_CLI_NOT_RUNNING; -o json also prints the error as JSON on stdout', async () => {
    const text = await runSkiffInProcess(['status'], env);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, notRunning(env.SKIFF_DATA_DIR!));
    const json = await runSkiffInProcess(['status', '-o', 'json'], env);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout), {
      error: { code: 'SKF_CLI_NOT_RUNNING', message: `skiff is not running on ${env.SKIFF_DATA_DIR}`, hint: 'Start one with `skiff up --data-dir DIR` (or `npm start`).' },
    });
  });

  test('--data-dir wins over $SKIFF_DATA_DIR', async () => {
    const other = join(home, 'other');
    const result = await runSkiffInProcess(['status', '--data-dir', other], env);
    assert.match(result.stderr, notRunning(other));
  });

  test('~/.skiff is the default', async () => {
    const result = await runSkiffInProcess(['status'], { HOME: home });
    assert.match(result.stderr, notRunning(join(home, '.skiff')));
  });

  test('down exits 1 with SKF_CLI_NOT_RUNNING', async () => {
    const result = await runSkiffInProcess(['down'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, notRunning(env.SKIFF_DATA_DIR!));
  });

  test('kubeconfig fails while no kubeconfig exists, and prints the path once one does', async () => {
    const dir = join(home, 'kc');
    const missing = await runSkiffInProcess(['kubeconfig', '--data-dir', dir], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`^error: there is no kubeconfig at ${dir}/kubeconfig: skiff has not been started on ${dir} \\[SKF_CLI_NOT_RUNNING\\]`));
    await mkdir(dir);
    await writeFile(join(dir, 'kubeconfig'), 'apiVersion: v1\n');
    assert.deepEqual(await runSkiffInProcess(['kubeconfig', '--data-dir', dir], env), { code: 0, stdout: `${dir}/kubeconfig\n`, stderr: '' });
    const json = await runSkiffInProcess(['kubeconfig', '--data-dir', dir, '-o', 'json'], env);
    assert.deepEqual(JSON.parse(json.stdout), { kubeconfig: `${dir}/kubeconfig` });
  });

  test('a skiff.json left by a crashed instance is reported, and removed by down', async () => {
    const dir = join(home, 'crashed');
    await mkdir(dir);
    await writeFile(join(dir, 'skiff.json'), JSON.stringify({ pid: 999_999_999, apiServer: 'https://127.0.0.1:1', kubeconfig: join(dir, 'kubeconfig'), dataDir: dir, store: 'embedded', startedAt: '2030-01-01T00:00:00Z', version: '0.1.0' }));
    const status = await runSkiffInProcess(['status', '--data-dir', dir], env);
    assert.match(status.stderr, /skiff is not running on .* \(skiff\.json names pid 999999999, which is no longer running\) \[SKF_CLI_NOT_RUNNING\]/);
    const down = await runSkiffInProcess(['down', '--data-dir', dir], env);
    assert.equal(down.code, 1);
    await assert.rejects(access(join(dir, 'skiff.json')));
  });
});

describe('the real executable (node bin/skiff.js)', () => {
  test('exit codes and streams', async () => {
    const version = await runSkiffProcess(['version'], env);
    assert.deepEqual(version, { code: 0, stdout: 'Client Version: 0.1.0\n', stderr: '' });
    const status = await runSkiffProcess(['status', '-o', 'json'], env);
    assert.equal(status.code, 1);
    assert.equal(JSON.parse(status.stdout).error.code, 'SKF_CLI_NOT_RUNNING');
    assert.match(status.stderr, /\[SKF_CLI_NOT_RUNNING\]/);
    const badPort = await runSkiffProcess(['up', '--api-port', '70000'], env);
    assert.equal(badPort.code, 1);
    assert.match(badPort.stderr, BAD_ARGUMENT);
    const noCommand = await runSkiffProcess([], env);
    assert.equal(noCommand.code, 1);
    assert.match(noCommand.stderr, /^Usage: skiff/);
  });
});
