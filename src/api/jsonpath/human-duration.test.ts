import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration } from './human-duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (apimachinery HumanDuration)', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'], [-2 * S, '<invalid>'], [-1999, '0s'], [-S, '0s'], [0, '0s'], [999, '0s'],
    [S, '1s'], [119 * S, '119s'], [2 * M, '2m'], [2 * M + S, '2m1s'], [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'], [10 * M + 30 * S, '10m'], [179 * M, '179m'], [3 * H, '3h'], [3 * H + M, '3h1m'], [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'], [47 * H, '47h'], [2 * D, '2d'], [2 * D + H, '2d1h'], [7 * D + 23 * H, '7d23h'], [8 * D, '8d'],
    [729 * D, '729d'], [730 * D, '2y'], [731 * D, '2y1d'], [8 * 365 * D - D, '7y364d'], [8 * 365 * D, '8y'], [100 * 365 * D, '100y'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(humanDuration(ms), text));
});
