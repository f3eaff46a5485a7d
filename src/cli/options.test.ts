import assert from 'node:assert/strict';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseDataDir, parseDuration, parsePort, resolveDataDir } from './options.ts';
import { formatTable } from './output.ts';

test('parsePort accepts 0 and 1–65535 written as plain digits', () => {
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('1'), 1);
  assert.equal(parsePort('6443'), 6443);
  assert.equal(parsePort('65535'), 65535);
  for (const bad of ['', '65536', '-1', '+80', '1e3', '80.0', ' 80', '0x50', 'abc', '999999']) {
    assert.throws(() => parsePort(bad), InvalidArgumentError, JSON.stringify(bad));
  }
});

test('parseDuration reads Go-style durations into milliseconds', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  for (const bad of ['', '30', 's', '1x', '-1s', '1s ', '1.s', 'ms']) {
    assert.throws(() => parseDuration(bad), InvalidArgumentError, JSON.stringify(bad));
  }
});

test('resolveDataDir: flag, then $SKIFF_DATA_DIR, then ~/.skiff; always absolute', () => {
  const env = { HOME: '/home/u', SKIFF_DATA_DIR: '/data/skiff' };
  assert.equal(resolveDataDir('/x', env), '/x');
  assert.equal(resolveDataDir(undefined, env), '/data/skiff');
  assert.equal(resolveDataDir(undefined, { HOME: '/home/u' }), '/home/u/.skiff');
  assert.equal(resolveDataDir(undefined, { HOME: '/home/u', SKIFF_DATA_DIR: '' }), '/home/u/.skiff');
  assert.equal(resolveDataDir('~/d', env), '/home/u/d');
  assert.equal(resolveDataDir('rel', env), resolve('rel'));
  assert.equal(resolveDataDir(join('a', '..', 'b'), env), resolve('b'));
  assert.throws(() => parseDataDir(' '), InvalidArgumentError);
});

test('formatTable aligns columns with two spaces and no trailing blanks', () => {
  assert.equal(formatTable([['NAME', 'HEALTHY', 'MESSAGE'], ['apiserver', 'yes', 'ready'], ['store', 'no', '']]),
    'NAME       HEALTHY  MESSAGE\napiserver  yes      ready\nstore      no\n');
});

test('Service address ranges must be loopback CIDRs, node port ranges MIN-MAX', async () => {
  const { parseLoopbackRange, parseNodePortRange } = await import('./options.ts');
  assert.equal(parseLoopbackRange('127.96.0.0/16'), '127.96.0.0/16');
  assert.equal(parseLoopbackRange('127.98.1.7/24'), '127.98.1.0/24');
  assert.throws(() => parseLoopbackRange('10.96.0.0/12'), /10\.96\.0\.0\/12 is not inside 127\.0\.0\.0\/8/);
  assert.throws(() => parseLoopbackRange('127.96.0.0'), InvalidArgumentError);
  assert.throws(() => parseLoopbackRange('127.0.0.0/8'), /too large; for 32-bit addresses, the mask must be >= 12/);
  assert.throws(() => parseLoopbackRange('127.0.0.0/24'), /must lie within 127\.1\.0\.0-127\.127\.255\.255/);
  assert.throws(() => parseLoopbackRange('127.244.0.0/16'), /the pods' addresses/);
  assert.equal(parseNodePortRange('30000-30100'), '30000-30100');
  for (const bad of ['30100-30000', '0-10', 'abc', '30000-70000']) assert.throws(() => parseNodePortRange(bad), InvalidArgumentError, bad);
});
