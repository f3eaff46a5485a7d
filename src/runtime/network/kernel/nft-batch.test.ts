import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { NftBatcher } from './nft-batch.ts';
import { runNft } from './nft.ts';

const canRun = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0;
const TABLE = `skiff_batch_test_${process.pid}`;

before(async () => {
  if (canRun) await runNft(`table ip ${TABLE} {\n  set addrs { type ipv4_addr; }\n}\n`);
});
after(async () => {
  if (canRun) await runNft(`delete table ip ${TABLE}\n`).catch(() => undefined);
});

test('changes queued in one turn go in one transaction; a refused part fails alone', { skip: canRun ? false : 'needs root and nft' }, async () => {
  const batch = new NftBatcher();
  const add = (ip: string) => batch.run([`add element ip ${TABLE} addrs { ${ip} }`]);
  const results = await Promise.allSettled([add('127.1.0.1'), add('not-an-address'), add('127.1.0.2')]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  const listed = await runNft(`list set ip ${TABLE} addrs\n`);
  assert.match(listed, /127\.1\.0\.1, 127\.1\.0\.2|127\.1\.0\.2, 127\.1\.0\.1/);
  await batch.run([`delete element ip ${TABLE} addrs { 127.1.0.1 }`, `delete element ip ${TABLE} addrs { 127.1.0.2 }`]);
  assert.doesNotMatch(await runNft(`list set ip ${TABLE} addrs\n`), /127\.1\.0\./);
});
