import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileIpBlock, normalizeIp, parseIp } from './ip-block.ts';

test('normalizeIp unwraps IPv4-mapped IPv6 and leaves the rest', () => {
  assert.equal(normalizeIp('::ffff:127.244.0.5'), '127.244.0.5');
  assert.equal(normalizeIp('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(normalizeIp('10.0.0.1'), '10.0.0.1');
  assert.equal(normalizeIp('2001:db8::1'), '2001:db8::1');
});

test('parseIp: addresses parse as host CIDRs, garbage does not', () => {
  assert.deepEqual(parseIp('10.1.2.3'), { family: 'IPv4', bytes: [10, 1, 2, 3], bits: 32 });
  assert.equal(parseIp('::1')?.bits, 128);
  assert.equal(parseIp('not-an-ip'), undefined);
  assert.equal(parseIp(''), undefined);
});

const TABLE: Array<[string, { cidr: string; except?: string[] }, string, boolean]> = [
  ['inside', { cidr: '172.17.0.0/16' }, '172.17.1.1', true],
  ['network address', { cidr: '172.17.0.0/16' }, '172.17.0.0', true],
  ['just outside', { cidr: '172.17.0.0/16' }, '172.18.0.0', false],
  ['inside except', { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] }, '172.17.1.9', false],
  ['beside except', { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] }, '172.17.2.9', true],
  ['two excepts', { cidr: '172.17.0.0/16', except: ['172.17.1.0/24', '172.17.3.0/24'] }, '172.17.3.1', false],
  ['/0 matches every IPv4', { cidr: '0.0.0.0/0' }, '8.8.8.8', true],
  ['/0 IPv4 does not match IPv6', { cidr: '0.0.0.0/0' }, '2001:db8::1', false],
  ['/32 host', { cidr: '10.0.0.7/32' }, '10.0.0.7', true],
  ['/32 other host', { cidr: '10.0.0.7/32' }, '10.0.0.8', false],
  ['mapped peer address', { cidr: '10.0.0.0/8' }, '::ffff:10.9.9.9', true],
  ['IPv6 inside', { cidr: 'fd00::/8' }, 'fd12::1', true],
  ['IPv6 except', { cidr: 'fd00::/8', except: ['fd12::/16'] }, 'fd12::1', false],
  ['a broken cidr matches nothing', { cidr: '10.0.0.0/33' }, '10.0.0.1', false],
  ['a broken except is ignored', { cidr: '10.0.0.0/8', except: ['nope'] }, '10.0.0.1', true],
  ['a source that is not an IP', { cidr: '0.0.0.0/0' }, 'unix-socket', false],
];

for (const [name, block, ip, expected] of TABLE) {
  test(`ipBlock: ${name}`, () => assert.equal(compileIpBlock(block).matches(parseIp(ip)), expected));
}

test('ipBlock text names the except list', () => {
  assert.equal(compileIpBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }).text, '10.0.0.0/8 except 10.1.0.0/16');
  assert.equal(compileIpBlock({ cidr: '10.0.0.0/8' }).text, '10.0.0.0/8');
});
