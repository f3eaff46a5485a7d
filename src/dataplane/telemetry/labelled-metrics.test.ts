import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.ts';

test('a counter renders through a prom-client Registry, one line per label set', async () => {
  const r = new Registry();
  const c = new LabelledCounter('hits_total', 'Hits.', ['code', 'path']);
  c.registerIn(r);
  const ok = c.labels('200', '/a');
  ok.inc();
  ok.inc(2);
  assert.equal(c.labels('200', '/a'), ok, 'the same label values give the same child');
  c.labels('503', '/b').inc();
  c.labels('404', '/c'); // a child never recorded into has no series yet
  assert.equal(await r.metrics(), [
    '# HELP hits_total Hits.',
    '# TYPE hits_total counter',
    'hits_total{code="200",path="/a"} 3',
    'hits_total{code="503",path="/b"} 1',
    '',
  ].join('\n'));
});

test('a histogram renders cumulative buckets with le last, +Inf, sum and count', async () => {
  const r = new Registry();
  const h = new LabelledHistogram('lat_ms', 'Latency.', ['svc'], [100, 1, 10]);
  h.registerIn(r);
  const x = h.labels('x');
  for (const v of [0, 1, 5, 50, 1000]) x.observe(v);
  assert.equal(await r.metrics(), [
    '# HELP lat_ms Latency.',
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

test('label values are escaped; a wrong number of values or a bad name is refused; an increment of 0 makes a series', async () => {
  const r = new Registry();
  const c = new LabelledCounter('x_total', 'X.', ['a']);
  c.registerIn(r);
  assert.throws(() => c.labels('1', '2'), /2 label values for 1 labels/);
  assert.throws(() => new LabelledCounter('bad name', 'X.', []), /invalid metric name/);
  c.labels('q"\\\n').inc(0);
  assert.match(await r.metrics(), /^x_total\{a="q\\"\\\\\\n"\} 0$/m);
});
