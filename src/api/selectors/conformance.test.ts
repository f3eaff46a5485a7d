/**
 * Differential test against behaviour recorded from apimachinery v0.32.9
 * (testdata/apimachinery-v0.32.9.json): canonical strings, requirements, matching and the
 * exact error messages of labels.Parse, fields.ParseSelector and LabelSelectorAsSelector.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { formatLabelSelectorObject, labelSelectorFromObject, parseFieldSelector, parseLabelSelector, type LabelSelectorObject } from './index.ts';

interface Outcome { input: unknown; error?: string; string?: string; empty?: boolean; matches?: boolean[]; requirements?: unknown[]; format?: string }

const fixture = JSON.parse(readFileSync(new URL('./testdata/apimachinery-v0.32.9.json', import.meta.url), 'utf8')) as {
  labelSets: Record<string, string>[];
  fieldSets: Record<string, string>[];
  labels: Outcome[];
  fields: Outcome[];
  objects: Outcome[];
};

function expectSelectorError(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => isSkiffError(err, 'SKF_API_BAD_SELECTOR') && err.message === message);
}

describe('label selector strings match labels.Parse', () => {
  for (const c of fixture.labels) {
    it(JSON.stringify(c.input), () => {
      if (c.error !== undefined) return expectSelectorError(() => parseLabelSelector(c.input as string), c.error);
      const s = parseLabelSelector(c.input as string);
      assert.equal(s.toString(), c.string);
      assert.equal(s.empty, c.empty);
      assert.deepEqual(fixture.labelSets.map((l) => s.matches(l)), c.matches);
      assert.deepEqual(s.requirements.map((r) => ({ key: r.key, operator: r.operator, values: r.values })), c.requirements);
    });
  }
});

describe('field selector strings match fields.ParseSelector', () => {
  for (const c of fixture.fields) {
    it(JSON.stringify(c.input), () => {
      if (c.error !== undefined) return expectSelectorError(() => parseFieldSelector(c.input as string), c.error);
      const s = parseFieldSelector(c.input as string);
      assert.equal(s.toString(), c.string);
      assert.equal(s.empty, c.empty);
      assert.deepEqual(fixture.fieldSets.map((f) => s.matches(f)), c.matches);
      assert.deepEqual(s.requirements, c.requirements);
    });
  }
});

describe('LabelSelector objects match metav1.LabelSelectorAsSelector', () => {
  for (const c of fixture.objects) {
    it(JSON.stringify(c.input), () => {
      const input = c.input as LabelSelectorObject | null;
      assert.equal(formatLabelSelectorObject(input), c.format);
      if (c.error !== undefined) return expectSelectorError(() => labelSelectorFromObject(input), c.error);
      const s = labelSelectorFromObject(input);
      assert.equal(s.toString(), c.string);
      assert.equal(s.empty, c.empty);
      assert.deepEqual(fixture.labelSets.map((l) => s.matches(l)), c.matches);
    });
  }
});
