import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountMappings, substitutePaths } from './mount-paths.ts';

const dirs = new Map([['config', '/h/vol/config'], ['data', '/h/vol/data']]);
const mappings = mountMappings([
  { name: 'config', mountPath: '/etc/config/' },
  { name: 'data', mountPath: '/data' },
  { name: 'data', mountPath: '/etc/config/sub', subPath: 'nested' },
  { name: 'missing', mountPath: '/nowhere' },
], dirs);

test('mount paths map to volume directories (subPath included)', () => {
  assert.deepEqual(mappings, [
    { containerPath: '/etc/config', hostPath: '/h/vol/config' },
    { containerPath: '/data', hostPath: '/h/vol/data' },
    { containerPath: '/etc/config/sub', hostPath: '/h/vol/data/nested' },
  ]);
});

test('whole path prefixes are rewritten, lookalikes are not', () => {
  assert.equal(substitutePaths('cat /etc/config/color; ls /data', mappings), 'cat /h/vol/config/color; ls /h/vol/data');
  assert.equal(substitutePaths('--dir=/data/x --conf="/etc/config/sub/a"', mappings), '--dir=/h/vol/data/x --conf="/h/vol/data/nested/a"');
  assert.equal(substitutePaths('/database http://host/data /data2', mappings), '/database http://host/data /data2');
  assert.equal(substitutePaths('/data', mappings), '/h/vol/data');
  assert.equal(substitutePaths('PATH=/bin:/data/bin', mappings), 'PATH=/bin:/h/vol/data/bin');
  assert.equal(substitutePaths('nothing here', mappings), 'nothing here');
});
