import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWrkOutput, wrkDurationMs } from './mesh-wrk.ts';

/** wrk 4.1's output for `wrk -t1 -c32 -d3s --latency https://…` (Debian's build). */
const OUTPUT = `Running 3s test @ https://127.0.0.1:41233/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.96ms    1.57ms  24.11ms   91.02%
    Req/Sec    18.42k     1.12k   19.90k    80.00%
  Latency Distribution
     50%    1.62ms
     75%    2.10ms
     90%    3.02ms
     99%   10.42ms
  55011 requests in 3.01s, 9.08MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  18274.58
Transfer/sec:      3.02MB
`;

describe('wrk output', () => {
  it('reads requests/s, mean and p99 latency, and failures', () => {
    assert.deepEqual(parseWrkOutput(OUTPUT), { requestsPerSec: 18274.58, meanMs: 1.96, p99Ms: 10.42, requests: 55011, failures: 7 });
  });

  it('converts wrk\'s duration units to milliseconds', () => {
    assert.equal(wrkDurationMs('812.00us'), 0.812);
    assert.equal(wrkDurationMs('1.50s'), 1500);
    assert.equal(wrkDurationMs('2.00m'), 120_000);
    assert.ok(Number.isNaN(wrkDurationMs('fast')));
  });

  it('gives NaN figures, not zeros, when wrk printed nothing usable', () => {
    const r = parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n');
    assert.ok(Number.isNaN(r.requestsPerSec) && Number.isNaN(r.meanMs) && Number.isNaN(r.p99Ms));
    assert.equal(r.failures, 0);
  });
});
