import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.ts';
import { renderRegistries } from './registry-merge.ts';

function proxy(buckets: number[] = [1]): { r: Registry; req: LabelledCounter; d: LabelledHistogram } {
  const r = new Registry();
  const req = new LabelledCounter('req_total', 'Requests.', ['w']);
  const d = new LabelledHistogram('d', 'Durations.', ['w'], buckets);
  req.registerIn(r);
  d.registerIn(r);
  return { r, req, d };
}

test('merging registries sums equal series and keeps the others, with one TYPE line per family', async () => {
  const a = proxy();
  const b = proxy();
  a.req.labels('one').inc(2);
  b.req.labels('one').inc(3);
  b.req.labels('two').inc(1);
  a.d.labels('one').observe(0.5);
  b.d.labels('one').observe(2);
  const text = await renderRegistries([a.r, b.r]);
  assert.match(text, /^req_total\{w="one"\} 5$/m);
  assert.match(text, /^req_total\{w="two"\} 1$/m);
  assert.match(text, /^d_bucket\{le="1",w="one"\} 1$/m);
  assert.match(text, /^d_bucket\{le="\+Inf",w="one"\} 2$/m);
  assert.match(text, /^d_sum\{w="one"\} 2.5$/m);
  assert.match(text, /^d_count\{w="one"\} 2$/m);
  assert.equal(text.match(/# TYPE req_total/g)?.length, 1);
  // The inputs are untouched by a merge.
  assert.match(await a.r.metrics(), /^req_total\{w="one"\} 2$/m);
  assert.match(await renderRegistries([a.r, b.r]), /^req_total\{w="one"\} 5$/m);
});

test('a histogram with other buckets than the first of its name is left out of the merge', async () => {
  const a = proxy([1]);
  const b = proxy([5, 10]);
  a.d.labels('one').observe(0.5);
  b.d.labels('one').observe(7);
  b.req.labels('one').inc();
  const text = await renderRegistries([a.r, b.r]);
  assert.match(text, /^d_count\{w="one"\} 1$/m);
  assert.doesNotMatch(text, /le="5"/);
  assert.match(text, /^req_total\{w="one"\} 1$/m);
});

test('no registry renders an empty page; one renders as it is', async () => {
  assert.equal(await renderRegistries([]), '');
  const a = proxy();
  a.req.labels('one').inc();
  assert.equal(await renderRegistries([a.r]), await a.r.metrics());
});

test('other prom-client metrics are summed by prom-client\'s AggregatorRegistry', async () => {
  const a = proxy();
  const b = proxy();
  for (const [p, n] of [[a, 2], [b, 5]] as const) {
    new Counter({ name: 'build_total', help: 'Builds.', labelNames: ['v'], registers: [p.r] }).labels('1.0').inc(n);
  }
  a.req.labels('one').inc();
  const text = await renderRegistries([a.r, b.r]);
  assert.match(text, /^build_total\{v="1.0"\} 7$/m);
  assert.match(text, /^req_total\{w="one"\} 1$/m);
});
