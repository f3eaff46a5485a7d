import assert from 'node:assert/strict';
import { test } from 'node:test';
import { innerAddressOf, isInnerAddress, isMeshedPod } from './inner-address.ts';

test('the inner address is the pod IP plus half the pod CIDR', () => {
  assert.equal(innerAddressOf('127.244.0.5', '127.244.0.0/16'), '127.244.128.5');
  assert.equal(innerAddressOf('127.244.127.254', '127.244.0.0/16'), '127.244.255.254');
  assert.equal(innerAddressOf('10.88.0.9', '10.88.0.0/24'), '10.88.0.137');
  assert.equal(innerAddressOf('127.244.0.2', '127.244.0.3/16'), '127.244.128.2', 'host bits in the CIDR are ignored');
});

test('an address outside the lower half has no inner address', () => {
  assert.throws(() => innerAddressOf('127.244.128.5', '127.244.0.0/16'), /no inner address for 127\.244\.128\.5: pod IPs come from the lower half of the pod CIDR 127\.244\.0\.0\/16 \(127\.244\.0\.0–127\.244\.127\.255\)/);
  assert.throws(() => innerAddressOf('127.245.0.5', '127.244.0.0/16'), /no inner address/);
  assert.throws(() => innerAddressOf('not-an-ip', '127.244.0.0/16'), /no inner address/);
  assert.throws(() => innerAddressOf('127.244.0.5', 'bad'), /invalid pod CIDR/);
});

test('inner addresses are the upper half of the pod CIDR', () => {
  assert.ok(isInnerAddress('127.244.128.5', '127.244.0.0/16'));
  assert.ok(isInnerAddress('127.244.255.255', '127.244.0.0/16'));
  assert.ok(!isInnerAddress('127.244.0.5', '127.244.0.0/16'));
  assert.ok(!isInnerAddress('127.245.128.5', '127.244.0.0/16'));
  assert.ok(!isInnerAddress('::1', '127.244.0.0/16'));
  assert.ok(isInnerAddress(innerAddressOf('127.244.3.4', '127.244.0.0/16'), '127.244.0.0/16'));
});

test('a pod is meshed when injection marked it', () => {
  assert.ok(isMeshedPod({ metadata: { annotations: { 'sidecar.istio.io/status': '{}' } } }));
  assert.ok(isMeshedPod({ metadata: { annotations: { 'sidecar.istio.io/status': '' } } }));
  assert.ok(!isMeshedPod({ metadata: { annotations: { 'sidecar.istio.io/inject': 'true' } } }));
  assert.ok(!isMeshedPod({ metadata: {} }));
});
