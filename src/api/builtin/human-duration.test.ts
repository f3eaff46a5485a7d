import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from './human-duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

test('HumanDuration: the table of apimachinery duration_test.go', () => {
  const cases: Array<[number, string]> = [
    [1 * s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * d, '367d'],
    [365 * 2 * d + 10 * d, '2y10d'],
    [365 * 8 * d, '8y'],
    [365 * 9 * d, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('HumanDuration: boundaries between precision steps', () => {
  assert.equal(humanDuration(0), '0s');
  assert.equal(humanDuration(119 * s + 999), '119s');
  assert.equal(humanDuration(2 * m), '2m');
  assert.equal(humanDuration(9 * m + 59 * s), '9m59s');
  assert.equal(humanDuration(10 * m + 30 * s), '10m');
  assert.equal(humanDuration(3 * h - 1), '179m');
  assert.equal(humanDuration(3 * h), '3h');
  assert.equal(humanDuration(5 * h + 20 * m + 59 * s), '5h20m');
  assert.equal(humanDuration(8 * h + 59 * m), '8h');
  assert.equal(humanDuration(48 * h), '2d');
  assert.equal(humanDuration(3 * d + 4 * h), '3d4h');
  assert.equal(humanDuration(2 * y - 1), '729d');
  assert.equal(humanDuration(2 * y), '2y');
});

test('HumanDuration: clock skew up to two seconds reads as now; more is invalid', () => {
  assert.equal(humanDuration(-999), '0s');
  assert.equal(humanDuration(-1999), '0s');
  assert.equal(humanDuration(-2000), '<invalid>');
});

test('translateTimestampSince: unset time is <unknown>', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2024-04-28T08:00:00Z', now), '3d4h');
});
