import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCron } from './cron.ts';
import { formatGoDuration, parseGoDuration, SECOND } from '../../schema/go-duration.ts';
import { parseGoFloat, parseGoInt } from './go-strconv.ts';
import { imageReferenceError } from './image-ref.ts';
import { parseIsoDuration } from './iso8601.ts';
import { isDns1035Label, isDns1123Label, isQualifiedName, nameIsDns1035Label } from './k8s-names.ts';
import { childName } from './kmeta.ts';
import { shortDiff } from './short-diff.ts';

describe('Go durations', () => {
  it('parses what time.ParseDuration accepts', () => {
    assert.equal(parseGoDuration('60s'), 60n * SECOND);
    assert.equal(parseGoDuration('1h30m'), 5400n * SECOND);
    assert.equal(parseGoDuration('1.5s'), 1_500_000_000n);
    assert.equal(parseGoDuration('-2m'), -120n * SECOND);
    assert.equal(parseGoDuration('0'), 0n);
    for (const bad of ['', '60', 's', '1x', '1.s5', '.']) assert.equal(parseGoDuration(bad), undefined, bad);
  });
  it('formats like Duration.String()', () => {
    assert.equal(formatGoDuration(0n), '0s');
    assert.equal(formatGoDuration(6n * SECOND), '6s');
    assert.equal(formatGoDuration(3600n * SECOND), '1h0m0s');
    assert.equal(formatGoDuration(90n * SECOND), '1m30s');
    assert.equal(formatGoDuration(1_500_000_000n), '1.5s');
    assert.equal(formatGoDuration(300_000_000n), '300ms');
  });
});

describe('Go strconv', () => {
  it('parses ints with range errors', () => {
    assert.deepEqual(parseGoInt('12', 32), { ok: true, value: 12 });
    assert.deepEqual(parseGoInt('99999999999', 32), { ok: false, range: true });
    assert.deepEqual(parseGoInt('1.5', 32), { ok: false, range: false });
  });
  it('parses floats', () => {
    assert.equal(parseGoFloat('0.5'), 0.5);
    assert.equal(parseGoFloat('1e3'), 1000);
    assert.equal(parseGoFloat('abc'), undefined);
    assert.equal(parseGoFloat('-inf'), -Infinity);
  });
});

describe('ISO-8601 durations', () => {
  it('parses delivery and retention durations', () => {
    assert.equal(parseIsoDuration('PT0.2S')?.milliseconds, 200);
    assert.equal(parseIsoDuration('PT168H')?.milliseconds, 168 * 3_600_000);
    assert.equal(parseIsoDuration('P1D')?.milliseconds, 86_400_000);
    assert.equal(parseIsoDuration('PT0S')?.isZero, true);
    assert.equal(parseIsoDuration('-PT1S')?.negative, true);
    for (const bad of ['', 'P', 'PT', '1s', 'PT1', 'P1DT']) assert.equal(parseIsoDuration(bad), undefined, bad);
  });
});

describe('cron (robfig/cron v3 as PingSource uses it)', () => {
  it('parses five or six fields and descriptors', () => {
    const r = parseCron('*/2 * * * *');
    assert.ok(r.ok);
    if (r.ok) {
      assert.deepEqual([...r.schedule.second.values], [0]);
      assert.deepEqual([...r.schedule.minute.values].slice(0, 3), [0, 2, 4]);
    }
    assert.ok(parseCron('0 */5 * * * *').ok);
    assert.ok(parseCron('@hourly').ok);
    assert.ok(parseCron('0 9 * * mon-fri').ok);
    const tz = parseCron('CRON_TZ=Europe/Paris 0 9 * * *');
    assert.ok(tz.ok && tz.schedule.timeZone === 'Europe/Paris');
  });
  it('reports the parser errors', () => {
    assert.deepEqual(parseCron('* * *'), { ok: false, error: 'expected 5 to 6 fields, found 3: [* * *]' });
    assert.deepEqual(parseCron('61 * * * *'), { ok: false, error: 'end of range (61) above maximum (59): 61' });
    assert.deepEqual(parseCron('x * * * *'), { ok: false, error: 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax' });
    assert.deepEqual(parseCron('@weird'), { ok: false, error: 'unrecognized descriptor: @weird' });
    assert.deepEqual(parseCron('CRON_TZ=Mars/Base * * * * *'), { ok: false, error: 'provided bad location Mars/Base: unknown time zone Mars/Base' });
  });
});

describe('image references', () => {
  it('accepts tags and digests', () => {
    for (const ok of ['gcr.io/knative-samples/helloworld-go', 'nginx', 'nginx:1.25', 'localhost:5000/app:v1', `quay.io/x/y@sha256:${'a'.repeat(64)}`]) {
      assert.equal(imageReferenceError(ok), undefined, ok);
    }
  });
  it('rejects what go-containerregistry rejects', () => {
    assert.equal(imageReferenceError('UPPER/case'), 'could not parse reference: UPPER/case');
    assert.equal(imageReferenceError('a'), 'could not parse reference: a');
    assert.equal(imageReferenceError('x/y@sha256:abc'), 'could not parse reference: x/y@sha256:abc');
  });
});

describe('Kubernetes name checks (apimachinery v0.29)', () => {
  it('words DNS-1035 errors as apimachinery does', () => {
    assert.deepEqual(isDns1035Label('1abc'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(isDns1035Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });
  it('checks qualified names', () => {
    assert.deepEqual(isQualifiedName('hello-00001'), []);
    assert.equal(isQualifiedName('-bad')[0]?.startsWith('name part must consist of alphanumeric characters'), true);
  });
  it('masks a generateName\'s trailing dash as apimachinery does (the last two characters become "a")', () => {
    assert.deepEqual(nameIsDns1035Label('1-', true), []);
    assert.deepEqual(nameIsDns1035Label('hello-', true), []);
    assert.equal(nameIsDns1035Label('hello-', false).length, 1);
  });
  it('words DNS-1123 label errors as v0.29 did (no separate message for dots)', () => {
    assert.equal(isDns1123Label('a.b')[0]?.startsWith('a lowercase RFC 1123 label must consist of'), true);
  });
});

describe('kmeta.ChildName', () => {
  it('appends short suffixes and hashes long names', () => {
    assert.equal(childName('hello', '-00001'), 'hello-00001');
    const long = childName('a'.repeat(70), '-00001');
    assert.equal(long.length, 63);
    assert.ok(long.endsWith('-00001'));
  });
});

describe('short diff', () => {
  it('lists changed leaves with Go-style paths', () => {
    assert.equal(shortDiff('a', 'b', { rootType: 'string' }), '{string}:\n\t-: "a"\n\t+: "b"\n');
    const d = shortDiff({ containers: [{ image: 'x' }] }, { containers: [{ image: 'y' }] }, { rootType: 'v1.RevisionSpec', inlined: () => 'PodSpec' });
    assert.equal(d, '{v1.RevisionSpec}.PodSpec.Containers[0].Image:\n\t-: "x"\n\t+: "y"\n');
  });
});
