import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KnFieldError } from './field-error.ts';
import { goValue, kn, NONE } from './field-errors.ts';

describe('KnFieldError (knative.dev/pkg apis.FieldError)', () => {
  it('renders message: paths', () => {
    assert.equal(kn.missingField('foo').via('spec').toString(), 'missing field(s): spec.foo');
  });

  it('glues index parts to the field before them', () => {
    assert.equal(kn.invalidValue(3, 'percent').viaIndex(2).via('traffic').via('spec').toString(), 'invalid value: 3: spec.traffic[2].percent');
    assert.equal(kn.missingField('').viaFieldIndex('containers', 0).via('spec').toString(), 'missing field(s): spec.containers[0]');
  });

  it('keeps keys holding dots apart, as Go splits them', () => {
    const e = kn.invalidValue('x', '').viaKey('queue.sidecar.serving.knative.dev/resource-percentage').via('metadata.annotations');
    assert.equal(e.toString(), 'invalid value: x: metadata.annotations.[queue.sidecar.serving.knative.dev/resource-percentage]');
  });

  it('merges errors with the same message and sorts paths and messages', () => {
    const e = kn.missingField('b').also(kn.missingField('a'), kn.invalidValue('v', 'c')).via('spec');
    assert.equal(e.toString(), 'invalid value: v: spec.c\nmissing field(s): spec.a, spec.b');
  });

  it('puts details on the next line', () => {
    assert.equal(kn.make('Immutable fields changed (-old +new)', ['spec'], 'diff').toString(), 'Immutable fields changed (-old +new): spec\ndiff');
  });

  it('treats the empty error as nil', () => {
    assert.ok(NONE.isEmpty());
    assert.ok(NONE.via('x').also(NONE).isEmpty());
    assert.equal(NONE.also(kn.missingField('a')).toString(), 'missing field(s): a');
  });

  it('separates warnings from errors', () => {
    const e = kn.generic('careful', 'a').at('Warning').also(kn.missingField('b'));
    assert.equal(e.filter('Error').toString(), 'missing field(s): b');
    assert.equal(e.filter('Warning').toString(), 'careful: a');
    assert.ok(kn.missingField('b').filter('Warning').isEmpty());
  });

  it('renders values with Go %v', () => {
    assert.equal(goValue(['a', 'b']), '[a b]');
    assert.equal(goValue(null), '<nil>');
    assert.equal(goValue(new Error('boom')), 'boom');
    assert.equal(kn.outOfBounds(5, 1, 3, 'x').toString(), 'expected 1 <= 5 <= 3: x');
    assert.equal(kn.invalidKeyName('a.b', '').via('attributes').toString(), 'invalid key name "a.b": attributes');
  });

  it('is immutable', () => {
    const base = KnFieldError.of('m', ['p']);
    base.via('x');
    assert.equal(base.toString(), 'm: p');
  });
});
