import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalEndpoint, canonicalIp, findSocketInode, findSocketInodeInText, parseProcNetTcp } from './proc-net-tcp.ts';
import { descendantsOf, parentFromStat } from './proc-scan.ts';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0700FF7F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A410 0700FF7F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0700FF7F:1F90 0100007F:A410 01 00000000:00000000 00:00000000 00000000  1000        0 1003 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:A411 0700FF7F:1F90 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0000000000000000
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:B000 0000000000000000FFFF00000700FF7F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0000000000000000 20 4 30 10 -1
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2002 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('reads IPv4 rows (little-endian words, hex ports) with their state and inode', () => {
    const rows = parseProcNetTcp(TCP, true);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0], { local: '127.255.0.7:8080', remote: '0.0.0.0:0', state: 'LISTEN', inode: 1001 });
    assert.deepEqual(rows[1], { local: '127.0.0.1:42000', remote: '127.255.0.7:8080', state: 'ESTABLISHED', inode: 1002 });
    assert.equal(rows[3]!.state, 'TIME_WAIT');
  });
  it('reads big-endian words as written', () => {
    assert.equal(parseProcNetTcp(`header\n   0: 7F000001:0050 00000000:0000 0A 0:0 0:0 0 0 0 7 1\n`, false)[0]!.local, '127.0.0.1:80');
  });
  it('reads IPv6 rows, IPv4-mapped addresses as dotted quads', () => {
    const rows = parseProcNetTcp(TCP6, true);
    assert.deepEqual(rows[0], { local: '127.0.0.1:45056', remote: '127.255.0.7:8080', state: 'ESTABLISHED', inode: 2001 });
    assert.equal(rows[1]!.local, '0000:0000:0000:0000:0000:0000:0000:0001:8080');
  });
});

describe('findSocketInode', () => {
  const rows = parseProcNetTcp(TCP, true);
  it("finds the client's socket from the accepted socket's addresses, mirrored", () => {
    // The proxy accepted local 127.255.0.7:8080 ← remote 127.0.0.1:42000 (row 2, its own socket).
    assert.equal(findSocketInode(rows, { local: '127.0.0.1:42000', remote: '127.255.0.7:8080' }), 1002);
  });
  it('accepts the spellings Node uses (IPv4-mapped, bracketed IPv6)', () => {
    assert.equal(findSocketInode(rows, { local: '::ffff:127.0.0.1:42000', remote: '[::ffff:127.255.0.7]:8080' }), 1002);
    assert.equal(findSocketInode(parseProcNetTcp(TCP6, true), { local: '127.0.0.1:45056', remote: '127.255.0.7:8080' }), 2001);
  });
  it('ignores orphaned sockets (inode 0) and unknown pairs', () => {
    assert.equal(findSocketInode(rows, { local: '127.0.0.1:42001', remote: '127.255.0.7:8080' }), undefined);
    assert.equal(findSocketInode(rows, { local: '127.0.0.2:42000', remote: '127.255.0.7:8080' }), undefined);
  });
});

describe('findSocketInodeInText', () => {
  it('finds the same rows as parsing the whole table, IPv4-mapped and IPv6 included', () => {
    const cases = [
      [TCP, { local: '127.0.0.1:42000', remote: '127.255.0.7:8080' }, 1002],
      [TCP, { local: '127.0.0.1:42001', remote: '127.255.0.7:8080' }, undefined],
      [TCP6, { local: '::ffff:127.0.0.1:45056', remote: '127.255.0.7:8080' }, 2001],
      [TCP6, { local: '[::1]:8080', remote: '[::]:0' }, 2002],
    ] as const;
    for (const [text, client, inode] of cases) {
      assert.equal(findSocketInodeInText(text, client, true), inode);
      assert.equal(findSocketInode(parseProcNetTcp(text, true), client), inode);
    }
  });
  it('spells big-endian tables too', () => {
    const text = 'header\n   0: 7F000001:A410 7FFF0007:1F90 01 0:0 0:0 0 0 0 77 1\n';
    assert.equal(findSocketInodeInText(text, { local: '127.0.0.1:42000', remote: '127.255.0.7:8080' }, false), 77);
  });
});

describe('canonical addresses', () => {
  it('spells each address one way', () => {
    assert.equal(canonicalIp('::FFFF:127.0.0.1'), '127.0.0.1');
    assert.equal(canonicalIp('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(canonicalIp('::1'), '0000:0000:0000:0000:0000:0000:0000:0001');
    assert.equal(canonicalIp('fd00::a:1'), 'fd00:0000:0000:0000:0000:0000:000a:0001');
    assert.equal(canonicalEndpoint('[::1]:80'), '0000:0000:0000:0000:0000:0000:0000:0001:80');
    assert.equal(canonicalEndpoint('10.0.0.1:0080'), '10.0.0.1:80');
  });
});

describe('process tree', () => {
  it('reads the ppid after a command holding spaces and parentheses', () => {
    assert.equal(parentFromStat('4242 (node (x) y) S 17 4242 4242 0 -1 4194560'), 17);
    assert.equal(parentFromStat('garbage'), undefined);
  });
  it('lists descendants breadth first, without the roots, tolerating cycles', () => {
    const tree = new Map([[1, [2, 3]], [2, [4]], [4, [1]], [9, [10]]]);
    assert.deepEqual(descendantsOf([1], tree), [2, 3, 4]);
    assert.deepEqual(descendantsOf([5], tree), []);
  });
});
