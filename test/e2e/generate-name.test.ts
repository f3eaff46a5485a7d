/**
 * metadata.generateName on create, as kube-apiserver's SimpleNameGenerator does it: the base
 * is cut to 58 characters and five characters from its vowel-free alphabet are appended.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const configMap = (generateName: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName }, data: { a: '1' } });

describe('generateName', () => {
  let s: TestSkiff;
  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('appends a random suffix from the generator alphabet', async () => {
    const out = await s.kubectl.ok(['create', '-f', '-', '-o', 'name'], { stdin: configMap('settings-') });
    assert.match(out.trim(), /^configmap\/settings-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('cuts a long base to 58 characters so the name stays a valid 63-character name', async () => {
    const base = `${'a'.repeat(61)}-`;
    const out = await s.kubectl.ok(['create', '-f', '-', '-o', 'name'], { stdin: configMap(base) });
    const name = out.trim().replace(/^configmap\//, '');
    assert.equal(name.length, 63);
    assert.ok(name.startsWith('a'.repeat(58)), name);
  });
});
