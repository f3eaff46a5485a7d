import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidPathPattern, pathMatches } from './path-match.ts';

test('Go path.Match semantics', () => {
  assert.equal(pathMatches('/metrics', '/metrics'), true);
  assert.equal(pathMatches('/metrics', '/metrics/x'), false);
  assert.equal(pathMatches('/api/*', '/api/v1'), true);
  assert.equal(pathMatches('/api/*', '/api/v1/pods'), false, '* stops at a slash');
  assert.equal(pathMatches('/a?c', '/abc'), true);
  assert.equal(pathMatches('/a?c', '/a/c'), false);
  assert.equal(pathMatches('/[a-c]x', '/bx'), true);
  assert.equal(pathMatches('/[^a-c]x', '/bx'), false);
  assert.equal(pathMatches('/[^a-c]x', '/dx'), true);
  assert.equal(pathMatches('/\\*', '/*'), true);
  assert.equal(pathMatches('/\\*', '/a'), false);
  assert.equal(pathMatches('/a.b', '/axb'), false, 'a dot is literal');
  assert.equal(pathMatches('/[z-a]', '/m'), false, 'a reversed range matches nothing');
  assert.equal(pathMatches('/[\\-]', '/-'), true);
});

test('malformed patterns are ErrBadPattern', () => {
  for (const bad of ['/[a', '/[]', '/[-a]', '/a\\', '/[a-]']) assert.equal(isValidPathPattern(bad), false, bad);
  for (const good of ['/metrics', '/*', '/[a]', '/x[\\]]']) assert.equal(isValidPathPattern(good), true, good);
});
