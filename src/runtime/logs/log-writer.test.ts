import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLogRecord } from './layout.ts';
import { ContainerLogWriter } from './log-writer.ts';

test('lines written on a container\'s behalf are whole stdout records; none once the log is closed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-logw-'));
  try {
    const path = join(dir, '0.log');
    const logs = new ContainerLogWriter(path);
    assert.equal(logs.writeLines('stdout', 'first\nsecond\n'), true);
    await logs.close();
    assert.equal(logs.writeLines('stdout', 'late\n'), false);
    const records = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => parseLogRecord(l));
    assert.deepEqual(records.map((r) => [r?.stream, r?.partial, r?.content]), [['stdout', false, 'first'], ['stdout', false, 'second']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
