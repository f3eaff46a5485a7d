import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PacedResult } from './mesh-sidecar-paced.ts';
import { added, formatSidecarReport, mb, memoryPerPod, ms2 } from './mesh-sidecar-report.ts';

const paced = (p50: number, p90: number, p99: number): PacedResult => ({ requests: 8000, failures: 0, p50, p90, p99, max: p99 * 2, lateSends: 3, achievedPerSec: 1000 });
const MB = 1024 * 1024;

describe('sidecar report', () => {
  it('subtracts percentiles path by path, and nothing when a side is missing', () => {
    assert.deepEqual(added(paced(0.5, 0.9, 2), paced(0.2, 0.3, 1)), { p50: 0.3, p90: 0.6000000000000001, p99: 1 });
    assert.equal(added(undefined, paced(1, 1, 1)), undefined);
    assert.equal(ms2(0.125), '0.13');
    assert.equal(ms2(Number.NaN), '—');
    assert.equal(mb(3 * MB), '3.00');
  });

  it('prints the four paths, the added latency against the 1 ms p90 target and its shares', () => {
    const text = formatSidecarReport({
      seconds: 8, loadBefore: 1, loadAfter: 1.5, pinning: { proxy: '0', load: '1' },
      paths: { directMeshed: paced(0.2, 0.3, 0.8), directPlain: paced(0.2, 0.3, 0.8), gatewayPlain: paced(0.4, 0.6, 1.5), gatewayMeshed: paced(0.7, 1.1, 2.5) },
    });
    assert.match(text, /^gateway -> mTLS -> sidecar -> app\s+0\.70\s+1\.10\s+2\.50\s+5\.00\s+0\/8000\s+3\s+1000$/m);
    assert.match(text, /^added: full meshed path - direct\s+0\.50\s+0\.80\s+1\.70\s+p90 < 1 ms\s+PASS$/m);
    assert.match(text, /^ {2}of which mTLS \+ sidecar \(full - gw->twin\)\s+0\.30\s+0\.50\s+1\.00$/m);
    assert.doesNotMatch(text, /\(c\) memory per pod/);
  });

  it('says MISS when the meshed path adds 1 ms or more at p90', () => {
    const text = formatSidecarReport({
      seconds: 8, loadBefore: 0, loadAfter: 0,
      paths: { directMeshed: paced(0.2, 0.3, 0.8), directPlain: paced(0.2, 0.3, 0.8), gatewayPlain: paced(0.4, 0.6, 1.5), gatewayMeshed: paced(1.2, 1.4, 3) },
    });
    assert.match(text, /p90 < 1 ms\s+MISS$/m);
  });

  it('prints memory per pod for unmeshed and meshed pods, the sidecar\'s share against the 5 MB target', () => {
    const text = formatSidecarReport({
      seconds: 8, loadBefore: 0, loadAfter: 0,
      memory: {
        podsPerStep: 50,
        baseline: { rssBytes: 200 * MB, ownRssBytes: 100 * MB, heapBytes: 50 * MB },
        steps: [
          { added: 'unmeshed', after: { rssBytes: 250 * MB, ownRssBytes: 125 * MB, heapBytes: 60 * MB } },
          { added: 'meshed', after: { rssBytes: 400 * MB, ownRssBytes: 200 * MB, heapBytes: 100 * MB } },
          { added: 'meshed', after: { rssBytes: 550 * MB, ownRssBytes: 275 * MB, heapBytes: 140 * MB } },
          { added: 'unmeshed', after: { rssBytes: 600 * MB, ownRssBytes: 300 * MB, heapBytes: 150 * MB } },
        ],
      },
    });
    assert.match(text, /^skiff process tree RSS\s+1\.00\s+3\.00\s+2\.00\s+< 5 MB\s+PASS$/m);
    assert.match(text, /^ {2}of which skiff's own process RSS\s+0\.50\s+1\.50\s+1\.00$/m);
    assert.match(text, /^ {4}of which its live V8 heap\s+0\.20\s+0\.80\s+0\.60$/m);
    assert.match(text, /200\.00 at the start, then \+50 unmeshed 250\.00, \+50 meshed 400\.00, \+50 meshed 550\.00, \+50 unmeshed 600\.00\./);
    assert.match(text, /^added: full meshed path - direct\s+—\s+—\s+—\s+p90 < 1 ms\s+—$/m);
  });

  it('averages each kind\'s growth over the reading before each of its steps', () => {
    const sample = (rss: number) => ({ rssBytes: rss * MB, ownRssBytes: 0, heapBytes: 0 });
    const per = memoryPerPod({ podsPerStep: 10, baseline: sample(100), steps: [
      { added: 'unmeshed', after: sample(110) }, { added: 'meshed', after: sample(140) }, { added: 'meshed', after: sample(180) }, { added: 'unmeshed', after: sample(200) },
    ] });
    assert.deepEqual(per, { unmeshed: { rssBytes: 1.5 * MB, ownRssBytes: 0, heapBytes: 0 }, meshed: { rssBytes: 3.5 * MB, ownRssBytes: 0, heapBytes: 0 } });
  });

  it('reports what failed instead of figures', () => {
    const text = formatSidecarReport({ seconds: 8, loadBefore: 0, loadAfter: 0, latencyError: 'never answered 200', memoryError: 'scale timed out' });
    assert.match(text, /^\(b\) FAILED: never answered 200$/m);
    assert.match(text, /^\(c\) FAILED: scale timed out$/m);
  });
});
