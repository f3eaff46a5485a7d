import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { FieldSelector, LabelSelector, formatLabelSelectorObject, labelSelectorFromObject, parseFieldSelector, parseLabelSelector } from './index.ts';

describe('label selectors', () => {
  it('ANDs requirements; notin and != also match objects without the key', () => {
    const s = parseLabelSelector('app=web,tier notin (cache),!canary');
    assert.equal(s.matches({ app: 'web', tier: 'front' }), true);
    assert.equal(s.matches({ app: 'web' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'cache' }), false);
    assert.equal(s.matches({ app: 'web', canary: 'true' }), false);
    assert.equal(s.matches(undefined), false);
    assert.equal(parseLabelSelector('app!=web').matches(undefined), true);
  });

  it('prints the canonical form, sorted by key with sorted value sets', () => {
    assert.equal(parseLabelSelector('tier in (b, a),app==web , !x').toString(), 'app==web,tier in (a,b),!x');
  });

  it('reports bad selectors with Kubernetes wording as SKF_API_BAD_SELECTOR (400)', () => {
    assert.throws(() => parseLabelSelector('app in (web'), (err: unknown) =>
      isSkiffError(err, 'SKF_API_BAD_SELECTOR') && err.status === 400 && err.message === "unable to parse requirement: found '', expected: ',' or ')'");
  });

  it('knows the exact-match value of a key', () => {
    const s = parseLabelSelector('app=web,tier in (a),x in (a,b)');
    assert.equal(s.requiresExactMatch('app'), 'web');
    assert.equal(s.requiresExactMatch('tier'), 'a');
    assert.equal(s.requiresExactMatch('x'), undefined);
  });

  it('converts metav1.LabelSelector objects: nil selects nothing, empty everything', () => {
    assert.equal(labelSelectorFromObject(undefined).matches({ app: 'x' }), false);
    assert.equal(labelSelectorFromObject({}).matches({ app: 'x' }), true);
    const s = labelSelectorFromObject({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] });
    assert.equal(s.toString(), 'app=x,tier in (a,b)');
    assert.equal(s.matches({ app: 'x', tier: 'a' }), true);
    assert.equal(formatLabelSelectorObject({}), '<none>');
    assert.equal(formatLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Near' }] }), '<error>');
    assert.ok(LabelSelector.everything().empty);
    assert.ok(!LabelSelector.nothing().empty);
  });
});

describe('field selectors', () => {
  it('matches exact values, with missing fields reading as empty', () => {
    const s = parseFieldSelector('metadata.namespace=default,spec.nodeName=');
    assert.equal(s.matches({ 'metadata.namespace': 'default' }), true);
    assert.equal(s.matches({ 'metadata.namespace': 'default', 'spec.nodeName': 'n1' }), false);
    assert.equal(parseFieldSelector('status.phase!=Running').matches({}), true);
  });

  it('unescapes values and escapes them back', () => {
    const s = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    assert.deepEqual(s.requirements, [{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
    assert.equal(s.toString(), 'metadata.name=a\\,b\\=c\\\\d');
    assert.equal(s.requiresExactMatch('metadata.name'), 'a,b=c\\d');
  });

  it('refuses unsupported fields with "field label not supported"', () => {
    const s = parseFieldSelector('metadata.name=x,spec.color=blue');
    assert.doesNotThrow(() => s.assertSupported(['metadata.name', 'spec.color']));
    assert.throws(() => s.assertSupported(['metadata.name', 'metadata.namespace']), (err: unknown) =>
      isSkiffError(err, 'SKF_API_BAD_SELECTOR') && err.message === 'field label not supported: spec.color');
    assert.ok(FieldSelector.everything().empty);
  });
});
