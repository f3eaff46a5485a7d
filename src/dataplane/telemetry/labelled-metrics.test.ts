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

test('a histogram renders cumulative buckets (le first, as prom-client prints it), +Inf, sum and count', async () => {
  const r = new Registry();
  const h = new LabelledHistogram('lat_ms', 'Latency.', ['svc'], [100, 1, 10]);
  h.registerIn(r);
  const x = h.labels('x');
  for (const v of [0, 1, 5, 50, 1000]) x.observe(v);
  assert.equal(await r.metrics(), [
    '# HELP lat_ms Latency.',
    '# TYPE lat_ms histogram',
    'lat_ms_bucket{le="1",svc="x"} 2',
    'lat_ms_bucket{le="10",svc="x"} 3',
    'lat_ms_bucket{le="100",svc="x"} 4',
    'lat_ms_bucket{le="+Inf",svc="x"} 5',
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

test('get() gives prom-client every label on every sample (le last); absorb sums series of the same shape', async () => {
  const a = new LabelledHistogram('lat_ms', 'Latency.', ['svc'], [1]);
  const b = a.emptyCopy();
  a.labels('x').observe(0.5);
  b.labels('x').observe(3);
  b.labels('y'); // never recorded: nothing to add
  const { values } = await b.get();
  assert.deepEqual(values[0], { metricName: 'lat_ms_bucket', value: 0, labels: { svc: 'x', le: 1 } });
  const sum = a.emptyCopy();
  assert.ok(sum.sameShape(a) && sum.sameShape(b));
  assert.ok(!sum.sameShape(new LabelledHistogram('lat_ms', 'Latency.', ['svc'], [2])));
  assert.ok(!sum.sameShape(new LabelledCounter('lat_ms', 'Latency.', ['svc'])));
  sum.absorb(a);
  sum.absorb(b);
  const text = (await sum.get()).values.map((v) => `${v.metricName}${JSON.stringify(v.labels)} ${v.value}`);
  assert.deepEqual(text, [
    'lat_ms_bucket{"svc":"x","le":1} 1',
    'lat_ms_bucket{"svc":"x","le":"+Inf"} 2',
    'lat_ms_sum{"svc":"x"} 3.5',
    'lat_ms_count{"svc":"x"} 2',
  ]);
  assert.equal((await a.get()).values.at(-1)!.value, 1, 'the sources are unchanged');
});
