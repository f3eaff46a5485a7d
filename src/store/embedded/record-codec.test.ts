import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRecord, isTornTail, scanRecords } from './record-codec.ts';

const three = Buffer.concat([encodeRecord('{"a":1}'), encodeRecord('[1,2,3]'), encodeRecord('"ünïcödé"')]);

describe('record codec', () => {
  it('round-trips records', () => {
    const scan = scanRecords(three);
    assert.equal(scan.damage, undefined);
    assert.equal(scan.validBytes, three.length);
    assert.deepEqual(scan.records.map((r) => JSON.parse(r.payload.toString())), [{ a: 1 }, [1, 2, 3], 'ünïcödé']);
  });

  it('reports a short last record as a torn tail', () => {
    for (const cut of [1, 5, 9, 12]) {
      const scan = scanRecords(three.subarray(0, three.length - cut));
      assert.equal(scan.records.length, 2);
      assert.ok(scan.damage !== undefined && isTornTail(scan.damage, true), `cut ${cut}`);
      assert.equal(isTornTail(scan.damage, false), false, 'only the last segment may have a torn tail');
    }
  });

  it('tells a garbled last record from a damaged middle one', () => {
    const last = Buffer.from(three);
    last[last.length - 1] = last[last.length - 1]! ^ 1;
    const lastScan = scanRecords(last);
    assert.ok(lastScan.damage !== undefined && isTornTail(lastScan.damage, true));

    const middle = Buffer.from(three);
    middle[8 + 7 + 8 + 2] = middle[8 + 7 + 8 + 2]! ^ 1;
    const middleScan = scanRecords(middle);
    assert.equal(middleScan.records.length, 1);
    assert.ok(middleScan.damage !== undefined && !isTornTail(middleScan.damage, true));
  });

  it('treats zero fill as a torn tail', () => {
    const scan = scanRecords(Buffer.concat([three, Buffer.alloc(100)]));
    assert.equal(scan.records.length, 3);
    assert.ok(scan.damage?.allZero === true && isTornTail(scan.damage, true));
  });
});
