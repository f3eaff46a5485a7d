import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hostSubsetOf, hostsMatch, isIpAddress, parseDurationMs, parseProtocol, validateDuration, validateFqdn, validateIpSubnet,
  validatePartialWildcard, validateWildcardDomain,
} from './names.ts';

test('wildcard domains as istiod checks them', () => {
  for (const ok of ['*', '*.example.com', 'hello.default', 'my-cluster-kafka-bootstrap.kafka', 'istio.io.', '*-foo.bar.com', 'Upper.Case.com']) {
    assert.equal(validateWildcardDomain(ok), undefined, ok);
  }
  assert.equal(validateWildcardDomain(''), 'empty domain name not allowed');
  // Like istiod, the message names the part after the first label.
  assert.equal(validateWildcardDomain('foo.*.com'), 'domain name "*.com" invalid (label "*" invalid)');
  assert.equal(validateWildcardDomain('a.123'), 'domain name "123" invalid (top level domain "123" cannot be all-numeric)');
  assert.equal(validateFqdn('*.example.com'), 'domain name "*.example.com" invalid (label "*" invalid)');
  assert.equal(validatePartialWildcard('foo*.com'), 'partial wildcard "foo*.com" not allowed');
  assert.equal(validatePartialWildcard('*.com'), undefined);
});

test('addresses and subnets', () => {
  assert.ok(isIpAddress('10.0.0.1') && isIpAddress('::1') && isIpAddress('2001:db8::8a2e:370:7334'));
  assert.ok(!isIpAddress('256.0.0.1') && !isIpAddress('example.com') && !isIpAddress('1.2.3'));
  assert.equal(validateIpSubnet('10.0.0.0/8'), undefined);
  assert.equal(validateIpSubnet('2001:db8::/64'), undefined);
  assert.equal(validateIpSubnet('10.0.0.0/33'), '10.0.0.0/33 is not a valid CIDR block');
  assert.equal(validateIpSubnet('nope'), 'nope is not a valid IP');
});

test('host matching and subsets follow istio host.Name', () => {
  assert.ok(hostsMatch('*.foo.com', 'bar.foo.com') && hostsMatch('a.b', 'a.b') && hostsMatch('*.com', '*.foo.com'));
  assert.ok(!hostsMatch('a.foo.com', 'b.foo.com'));
  assert.ok(hostSubsetOf('a.foo.com', '*.foo.com') && hostSubsetOf('*.a.foo.com', '*.foo.com'));
  assert.ok(!hostSubsetOf('*.foo.com', 'a.foo.com'));
});

test('protocols parse case-insensitively', () => {
  assert.equal(parseProtocol('https'), 'HTTPS');
  assert.equal(parseProtocol('grpc-web'), 'GRPC-Web');
  assert.equal(parseProtocol('QUIC'), 'Unsupported');
});

test('durations in Go syntax', () => {
  assert.equal(parseDurationMs('1m'), 60_000);
  assert.equal(parseDurationMs('1h30m'), 5_400_000);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('10'), undefined);
  assert.equal(validateDuration('10s'), undefined);
  assert.equal(validateDuration('500us'), 'duration must be greater than 1ms');
  assert.match(validateDuration('ten seconds') ?? '', /^invalid duration "ten seconds"/);
  // Exact nanoseconds, signs and Go's unit spellings, as time.ParseDuration reads them.
  assert.equal(validateDuration('1.0000001s'), 'only durations to ms precision are supported');
  assert.equal(validateDuration('-1s'), 'duration must be greater than 1ms');
  assert.equal(validateDuration('1500\u03bcs'), 'only durations to ms precision are supported');
});
