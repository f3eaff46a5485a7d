import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMeshReport } from './mesh-report.ts';

const wrk = (requestsPerSec: number) => ({ requestsPerSec, meanMs: 1, p99Ms: 3, requests: requestsPerSec * 8, failures: 0 });

describe('mesh report', () => {
  it('prints the gateway beside nginx with their ratio against the 0.7x target, and where (b) and (c) are', () => {
    const text = formatMeshReport({
      seconds: 8, loadBefore: 0.5, loadAfter: 1, skiff: wrk(8000), nginx: wrk(10_000), pinning: { proxy: '0', load: '1' },
      propagation: { tries: 10, p50: 200, p95: 250, max: 260, applyP50: 120, polls: 5000, failedPolls: 0 },
    });
    assert.match(text, /^requests\/s\s+8000\s+10000\s+0\.80\s+>= 0\.7x\s+PASS$/m);
    assert.match(text, />= 1x \(stretch\)\s+MISS$/m);
    assert.match(text, /^apply VirtualService -> first 200\s+10\s+200\.0\s+250\.0\s+260\.0\s+120\.0\s+5000 \(0\)$/m);
    assert.match(text, /\(b\) .* and \(c\) .*: see the meshed path below/);
  });

  it('prints dashes, not a verdict, for a side that was not measured', () => {
    const text = formatMeshReport({ seconds: 8, loadBefore: 0, loadAfter: 0 });
    assert.match(text, /^requests\/s\s+—\s+—\s+—\s+>= 0\.7x\s+—$/m);
  });
});
