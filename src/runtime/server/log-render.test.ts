import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLogOptions } from './log-options.ts';
import { parseLogText, renderLine, tail } from './log-render.ts';

const T = '2026-11-23T07:32:49.401000000Z';

test('P records join the line they continue; an unfinished write stays for the next read', () => {
  const text = `${T} stdout F one\n${T} stdout P tw\n${T} stdout F o\n${T} stdout P thr`;
  const { lines, rest } = parseLogText(text);
  assert.deepEqual(lines.map((l) => l.content), ['one', 'two']);
  assert.equal(rest, `${T} stdout P thr`);
});

test('an unterminated P chain is kept until its F, or shown without newline when final', () => {
  const text = `${T} stdout F one\n${T} stdout P no newline\n`;
  assert.equal(parseLogText(text).rest, `${T} stdout P no newline\n`);
  const final = parseLogText(text, true);
  assert.deepEqual(final.lines.map((l) => renderLine(l, false)), ['one\n', 'no newline']);
  assert.equal(final.rest, '');
});

test('tail and timestamps', () => {
  const { lines } = parseLogText(`${T} stdout F a\n${T} stderr F b\n${T} stdout F c\n`);
  assert.deepEqual(tail(lines, 2).map((l) => l.content), ['b', 'c']);
  assert.deepEqual(tail(lines, 0), []);
  assert.equal(renderLine(lines[0]!, true), `${T} a\n`);
});

test('log options: flags, since, and the API validation messages', () => {
  const now = new Date('2026-01-01T01:00:00Z');
  const o = parseLogOptions(new URLSearchParams('follow=true&previous=1&tailLines=5&sinceSeconds=3600&limitBytes=10'), now);
  assert.deepEqual(o, { follow: true, previous: true, timestamps: false, tailLines: 5, since: new Date('2026-01-01T00:00:00Z'), limitBytes: 10 });
  assert.throws(() => parseLogOptions(new URLSearchParams('sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z'), now), /at most one of `sinceTime` or `sinceSeconds`/);
  assert.throws(() => parseLogOptions(new URLSearchParams('tailLines=-1'), now), /tailLines: Invalid value: -1/);
});
