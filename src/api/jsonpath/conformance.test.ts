/**
 * Differential test against behaviour recorded from client-go v0.32.9 and the CRD table
 * convertor (testdata/client-go-v0.32.9.json): results, printed text, parse and evaluation
 * error messages, and printer-column cells for ~400 templates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { findJsonPathResults, formatJsonPath, parseJsonPath, printerColumnCell } from './index.ts';
import type { PrinterColumn } from '../kind.ts';

interface Case {
  template: string;
  data: string;
  allowMissingKeys?: boolean;
  parseError?: string;
  error?: string;
  results?: unknown[][];
  text?: string;
  columnType?: PrinterColumn['type'];
  cell?: unknown;
}

const fixture = JSON.parse(readFileSync(new URL('./testdata/client-go-v0.32.9.json', import.meta.url), 'utf8')) as {
  data: Record<string, unknown>;
  cases: Case[];
};

function reason(err: unknown): string {
  assert.ok(isSkiffError(err, 'SKF_API_BAD_REQUEST'), `expected SKF_API_BAD_REQUEST, got ${String(err)}`);
  return String(err.details?.reason);
}

describe('JSONPath matches client-go v0.32.9', () => {
  for (const c of fixture.cases.filter((x) => x.columnType === undefined)) {
    it(`${JSON.stringify(c.template)} (allowMissingKeys=${c.allowMissingKeys})`, () => {
      const data = fixture.data[c.data];
      const options = { allowMissingKeys: c.allowMissingKeys ?? false };
      if (c.parseError !== undefined) {
        assert.throws(() => parseJsonPath(c.template), (err: unknown) => reason(err) === c.parseError);
        return;
      }
      if (c.error !== undefined) {
        assert.throws(() => findJsonPathResults(c.template, data, options), (err: unknown) => reason(err) === c.error);
        return;
      }
      assert.deepEqual(JSON.parse(JSON.stringify(findJsonPathResults(c.template, data, options))), c.results);
      assert.equal(formatJsonPath(c.template, data, options), c.text);
    });
  }
});

describe('printer-column cells match the CRD table convertor', () => {
  for (const c of fixture.cases.filter((x) => x.columnType !== undefined)) {
    it(`${c.columnType} ${c.template} on ${c.data}`, () => {
      const cell = printerColumnCell(fixture.data[c.data], { type: c.columnType as PrinterColumn['type'], jsonPath: c.template });
      if (typeof c.cell === 'object' && c.cell !== null && 'age' in c.cell) assert.match(String(cell), /^(\d+[smhdy])+$/);
      else assert.deepEqual(cell, c.cell);
    });
  }
});
