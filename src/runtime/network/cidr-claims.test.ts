import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimCidr, loopbackCandidates } from './cidr-claims.ts';

const candidates = ['127.244.0.0/16', '127.245.0.0/16'];

test('instances on one machine get different CIDRs; a restart gets its own back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-claims-'));
  try {
    const a = await claimCidr({ candidates, dataDir: '/data/a', dir });
    const b = await claimCidr({ candidates, dataDir: '/data/b', dir });
    assert.deepEqual([a.cidr, b.cidr], candidates);
    await assert.rejects(claimCidr({ candidates, dataDir: '/data/c', dir }), /every pod CIDR skiff tries is in use/);
    const again = await claimCidr({ candidates, dataDir: '/data/b', dir, preferred: '127.245.0.0/16' });
    assert.equal(again.cidr, '127.245.0.0/16');
    await a.release();
    assert.equal((await claimCidr({ candidates, dataDir: '/data/c', dir })).cidr, '127.244.0.0/16');
    await assert.rejects(claimCidr({ candidates: ['127.245.0.0/16'], exact: true, dataDir: '/data/d', dir }), /127\.245\.0\.0\/16 is in use/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a claim whose process is gone is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-claims-'));
  try {
    writeFileSync(join(dir, '127.244.0.0_16.claim'), JSON.stringify({ pid: 2 ** 22 + 7, dataDir: '/data/old' }));
    assert.equal((await claimCidr({ candidates, dataDir: '/data/new', dir })).cidr, '127.244.0.0/16');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loopback candidates avoid the Service ranges', () => {
  const all = loopbackCandidates();
  assert.equal(all[0], '127.244.0.0/16');
  assert.ok(!all.some((c) => /^127\.9[6-9]\./.test(c)));
});
