import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry, escapeLabelValue } from './metrics-registry.ts';
import { mergeFamilies, renderRegistries } from './stats-endpoint.ts';

test('a counter renders its TYPE line and one line per label set', () => {
  const r = new MetricsRegistry();
  const c = r.counter('hits_total', ['code', 'path']);
  c.inc(['200', '/a']);
  c.inc(['200', '/a'], 2);
  c.inc(['503', '/b']);
  assert.equal(c.get(['200', '/a']), 3);
  assert.equal(r.render(), [
    '# TYPE hits_total counter',
    'hits_total{code="200",path="/a"} 3',
    'hits_total{code="503",path="/b"} 1',
    '',
  ].join('\n'));
});

test('a histogram renders cumulative buckets, +Inf, sum and count', () => {
  const r = new MetricsRegistry();
  const h = r.histogram('lat_ms', ['svc'], [1, 10, 100]);
  for (const v of [0, 1, 5, 50, 1000]) h.observe(['x'], v);
  assert.equal(r.render(), [
    '# TYPE lat_ms histogram',
    'lat_ms_bucket{svc="x",le="1"} 2',
    'lat_ms_bucket{svc="x",le="10"} 3',
    'lat_ms_bucket{svc="x",le="100"} 4',
    'lat_ms_bucket{svc="x",le="+Inf"} 5',
    'lat_ms_sum{svc="x"} 1056',
    'lat_ms_count{svc="x"} 5',
    '',
  ].join('\n'));
});

test('label values are escaped; a wrong number of values is refused; empty families are omitted', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  const r = new MetricsRegistry();
  const c = r.counter('x_total', ['a']);
  r.counter('unused_total', ['a']);
  assert.throws(() => c.inc(['1', '2']), /2 label values for 1 labels/);
  assert.throws(() => r.counter('x_total', ['a']), /already registered/);
  c.inc(['q"'], 1);
  assert.equal(r.render(), '# TYPE x_total counter\nx_total{a="q\\""} 1\n');
});

test('merging registries sums equal series and keeps the others', () => {
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  a.counter('req_total', ['w']).inc(['one'], 2);
  const bc = b.counter('req_total', ['w']);
  bc.inc(['one'], 3);
  bc.inc(['two'], 1);
  a.histogram('d', ['w'], [1]).observe(['one'], 0.5);
  b.histogram('d', ['w'], [1]).observe(['one'], 2);
  const text = renderRegistries([a, b]);
  assert.match(text, /^req_total\{w="one"\} 5$/m);
  assert.match(text, /^req_total\{w="two"\} 1$/m);
  assert.match(text, /^d_bucket\{w="one",le="1"\} 1$/m);
  assert.match(text, /^d_count\{w="one"\} 2$/m);
  assert.equal(text.match(/# TYPE req_total/g)?.length, 1);
  // The inputs are untouched by a merge.
  mergeFamilies([a.families(), b.families()]);
  assert.equal(a.families()[0]!.series.get('one')!.values[0], 2);
});
