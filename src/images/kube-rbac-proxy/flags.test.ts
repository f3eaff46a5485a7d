import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags, parseGoDuration, validateOptions } from './flags.ts';
import { isValidPathPattern } from './path-match.ts';

const parse = (...args: string[]) => {
  const r = parseFlags(args);
  if (!r.ok) throw new Error(r.error);
  return r.options;
};

test('OpenShift Serverless\' sidecar arguments parse', () => {
  const o = parse('--secure-listen-address=0.0.0.0:8444', '--upstream=http://127.0.0.1:9090/', '--tls-cert-file=/etc/tls/private/tls.crt',
    '--tls-private-key-file', '/etc/tls/private/tls.key', '--logtostderr=true', '--v=10', '--allow-paths=/metrics,/healthz');
  assert.equal(o.secureListenAddress, '0.0.0.0:8444');
  assert.equal(o.upstream, 'http://127.0.0.1:9090/');
  assert.equal(o.tlsPrivateKeyFile, '/etc/tls/private/tls.key');
  assert.equal(o.verbosity, 10);
  assert.deepEqual(o.allowPaths, ['/metrics', '/healthz']);
  assert.deepEqual(o.removedFlagsGiven, ['logtostderr']);
  assert.equal(o.tlsMinVersion, 'VersionTLS12');
});

test('booleans, shorthands and repeated lists follow pflag', () => {
  const o = parse('--auth-header-fields-enabled', '-v', '3', '--ignore-paths=/a', '--ignore-paths=/b,/c', '--tls-reload-interval=1m30s');
  assert.equal(o.authHeaderFieldsEnabled, true);
  assert.equal(o.verbosity, 3);
  assert.deepEqual(o.ignorePaths, ['/a', '/b', '/c']);
  assert.equal(o.tlsReloadIntervalMs, 90_000);
  assert.equal(parse('--auth-header-fields-enabled=false').authHeaderFieldsEnabled, false);
  assert.equal(parse('-v=4').verbosity, 4);
  assert.equal(parse('-h').help, true);
});

test('errors read as pflag and cobra write them', () => {
  assert.deepEqual(parseFlags(['--nope=1']), { ok: false, error: 'unknown flag: --nope' });
  assert.deepEqual(parseFlags(['-x']), { ok: false, error: "unknown shorthand flag: 'x' in -x" });
  assert.deepEqual(parseFlags(['--upstream']), { ok: false, error: 'flag needs an argument: --upstream' });
  assert.deepEqual(parseFlags(['--v=high']), { ok: false, error: 'invalid argument "high" for "--v" flag: strconv.ParseInt: parsing "high": invalid syntax' });
  assert.deepEqual(parseFlags(['--logtostderr=maybe']), { ok: false, error: 'invalid argument "maybe" for "--logtostderr" flag: strconv.ParseBool: parsing "maybe": invalid syntax' });
  assert.deepEqual(parseFlags(['serve']), { ok: false, error: '"kube-rbac-proxy" does not take any arguments, got ["serve"]' });
});

test('validation refuses what upstream refuses', () => {
  assert.deepEqual(validateOptions(parse('--allow-paths=/a', '--ignore-paths=/b'), isValidPathPattern), ['cannot use --allow-paths and --ignore-paths together']);
  assert.deepEqual(validateOptions(parse('--allow-paths=/[a'), isValidPathPattern), ['failed to verify allow path: /[a']);
  assert.deepEqual(validateOptions(parse('--ignore-paths=/metrics'), isValidPathPattern), []);
});

test('Go durations', () => {
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('2h'), 7_200_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('1x'), undefined);
});
