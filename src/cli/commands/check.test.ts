import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSkiffInProcess } from '../testing/run-skiff.ts';
import { collectWorkloads, requirePair } from './check.ts';

describe('skiff check (arguments)', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'skiff-check-cli-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('parses --mtls workloads in order and wants exactly two', () => {
    const two = collectWorkloads('b/httpbin', collectWorkloads('a/sleep', undefined));
    assert.deepEqual(requirePair(two), [{ namespace: 'a', name: 'sleep' }, { namespace: 'b', name: 'httpbin' }]);
    assert.throws(() => collectWorkloads('a/b/c', undefined), /"a\/b\/c" is not NAMESPACE\/NAME/);
    assert.throws(() => requirePair(two.slice(0, 1)), /--mtls takes exactly two workloads \(from, to\), got 1/);
  });

  it('reports argument errors and a stopped skiff with their codes', async () => {
    const one = await runSkiffInProcess(['check', '--data-dir', dir, '--mtls', 'a/sleep'], {});
    assert.equal(one.code, 1);
    assert.match(one.stderr, /--mtls takes exactly two workloads.*\[SKF_CLI_BAD_ARGUMENT\]/);
    const malformed = await runSkiffInProcess(['check', '--data-dir', dir, '--mtls', 'a/b/c', 'x/y'], {});
    assert.match(malformed.stderr, /is not NAMESPACE\/NAME.*\[SKF_CLI_BAD_ARGUMENT\]/);
    const stopped = await runSkiffInProcess(['check', '--data-dir', dir, '-o', 'json'], {});
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /skiff is not running on .*\[SKF_CLI_NOT_RUNNING\]/);
    assert.equal(JSON.parse(stopped.stdout).error.code, 'SKF_CLI_NOT_RUNNING');
  });

  it('documents its flags in --help', async () => {
    const help = await runSkiffInProcess(['check', '--help'], {});
    assert.equal(help.code, 0);
    for (const flag of ['--pre', '-n, --namespace <namespace>', '--mtls <workloads...>', '--data-dir <dir>', '-o, --output <format>']) assert.ok(help.stdout.includes(flag), flag);
  });
});
