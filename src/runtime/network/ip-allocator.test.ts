import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, gatewayOf, IpAllocator, parseCidr } from './ip-allocator.ts';

test('addresses are handed out in order, skipping network and gateway', () => {
  const a = new IpAllocator('127.244.0.0/16');
  assert.equal(a.allocate('p1'), '127.244.0.2');
  assert.equal(a.allocate('p2'), '127.244.0.3');
  assert.equal(a.allocate('p1'), '127.244.0.2', 'an owner keeps its address');
  assert.equal(gatewayOf(a.cidr), '127.244.0.1');
});

test('a preferred (previously recorded) address is honoured when free', () => {
  const a = new IpAllocator('127.244.0.0/16');
  assert.equal(a.allocate('p1', '127.244.9.9'), '127.244.9.9');
  assert.equal(a.allocate('p2', '127.244.9.9'), '127.244.0.2', 'taken: the next free one');
  assert.equal(a.allocate('p3', '10.0.0.5'), '127.244.0.3', 'outside the range: ignored');
});

test('released addresses are reused only after the rest of the range', () => {
  const a = new IpAllocator('127.244.0.0/29');
  const got = ['a', 'b', 'c', 'd', 'e'].map((o) => a.allocate(o));
  assert.deepEqual(got, ['127.244.0.2', '127.244.0.3', '127.244.0.4', '127.244.0.5', '127.244.0.6']);
  assert.throws(() => a.allocate('f'), /no free pod address/);
  a.release('b');
  assert.equal(a.allocate('f'), '127.244.0.3');
});

test('CIDR parsing and membership', () => {
  assert.throws(() => parseCidr('127.244.0.0'), /invalid pod CIDR/);
  assert.ok(cidrContains(parseCidr('10.88.0.0/16'), '10.88.3.4'));
  assert.ok(!cidrContains(parseCidr('10.88.0.0/16'), '10.89.0.1'));
});

test('the lower-half range leaves the upper half to inner addresses', () => {
  const a = new IpAllocator('127.244.0.0/28', 'lowerHalf');
  const got = ['a', 'b', 'c', 'd', 'e'].map((o) => a.allocate(o));
  assert.deepEqual(got, ['127.244.0.2', '127.244.0.3', '127.244.0.4', '127.244.0.5', '127.244.0.6']);
  // .7 would map to .15, the broadcast address of the /28.
  assert.throws(() => a.allocate('f'), /no free pod address/);
});

test('the lower-half range does not honour a preferred address in the upper half', () => {
  const a = new IpAllocator('127.244.0.0/16', 'lowerHalf');
  assert.equal(a.allocate('p1', '127.244.9.9'), '127.244.9.9');
  assert.equal(a.allocate('p2', '127.244.200.1'), '127.244.0.2');
  assert.equal(a.allocate('p3', '127.244.127.255'), '127.244.0.3', 'its inner address would be the broadcast address');
  assert.equal(a.allocate('p4', '127.244.127.254'), '127.244.127.254');
});
