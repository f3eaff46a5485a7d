import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConcurrencyReporter } from './concurrency-reporter.ts';

test('concurrency reporter: pokes on first sight, time-weighted average, forgets idle revisions', () => {
  const pokes: string[] = [];
  const r = new ConcurrencyReporter('activator-abc', (ns, rev) => pokes.push(`${ns}/${rev}`));
  const a = r.requestIn('default', 'hello-00001', 0);
  r.requestIn('default', 'hello-00001', 500);
  assert.deepEqual(pokes, ['default/hello-00001']);
  r.requestOut(a, 500);
  // 1 request for 500 ms, then 2 for 500 ms: average 1.5 over the second, less the first
  // request the poke already stood for (upstream's first-request adjustment).
  r.requestOut(r.requestIn('default', 'hello-00001', 500), 1_000);
  const [s1] = r.report(1_000);
  assert.deepEqual(s1, {
    namespace: 'default', revision: 'hello-00001', podName: 'activator-abc', averageConcurrentRequests: 0.5,
    averageProxiedConcurrentRequests: 0, requestCount: 2, proxiedRequestCount: 0, timestamp: 1_000,
  });
  // The second request is still in flight: the revision stays, no new poke.
  const [s2] = r.report(2_000);
  assert.equal(s2?.averageConcurrentRequests, 1);
  assert.equal(s2?.requestCount, 0);
  assert.equal(pokes.length, 1);
});

test('concurrency reporter: half a second of one request averages 0.5; an idle period drops the entry', () => {
  const pokes: string[] = [];
  const r = new ConcurrencyReporter('p', (ns, rev) => pokes.push(`${ns}/${rev}`));
  const h = r.requestIn('ns', 'rev', 0);
  r.requestOut(h, 500);
  // The poke stood for this request: nothing left to add in the first report.
  const [first] = r.report(1_000);
  assert.deepEqual([first?.averageConcurrentRequests, first?.requestCount], [0, 0]);
  const h2 = r.requestIn('ns', 'rev', 1_000);
  r.requestOut(h2, 1_500);
  assert.equal(r.report(2_000)[0]?.averageConcurrentRequests, 0.5);
  assert.equal(r.report(3_000)[0]?.averageConcurrentRequests, 0);
  assert.deepEqual(r.report(4_000), []);
  r.requestIn('ns', 'rev', 4_500);
  assert.equal(pokes.length, 2);
});
