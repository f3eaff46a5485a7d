import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AccessLogWriter, accessLogFormatter, accessLogSettingsFromMeshConfig } from './access-log-writer.ts';
import { httpRecord, tcpRecord } from './test-records.ts';

test('an empty accessLogFile turns access logging off', () => {
  assert.equal(AccessLogWriter.open({ accessLogFile: '' }), undefined);
  assert.equal(AccessLogWriter.open({}), undefined);
});

test('mesh config fields are read from a parsed MeshConfig', () => {
  assert.deepEqual(
    accessLogSettingsFromMeshConfig({ accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON', trustDomain: 'x' }),
    { accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON', accessLogFormat: undefined },
  );
  assert.deepEqual(accessLogSettingsFromMeshConfig(undefined), {
    accessLogFile: undefined, accessLogEncoding: undefined, accessLogFormat: undefined,
  });
});

test('/dev/stdout gets one write per event-loop turn, in TEXT by default', async () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const w = AccessLogWriter.open({ accessLogFile: '/dev/stdout' }, { stdout: out })!;
  w.log(httpRecord());
  w.log(tcpRecord());
  assert.equal(chunks.length, 0, 'nothing written before the turn ends');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(chunks.length, 1);
  const lines = chunks[0]!.split('\n');
  assert.match(lines[0]!, /^\[2024-01-01T00:00:00\.000Z\] "GET \/reviews\/0 HTTP\/1\.1" 200 - via_upstream/);
  assert.match(lines[1]!, /^\[2024-01-01T00:00:01\.250Z\] "- - -" 0 /);
  await w.close();
});

test('a file is appended to, shared by writers of the same path, closed by the last', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-accesslog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'access.log');
  const a = AccessLogWriter.open({ accessLogFile: file, accessLogEncoding: 'JSON' })!;
  const b = AccessLogWriter.open({ accessLogFile: file, accessLogEncoding: 'json' })!;
  a.log(httpRecord());
  b.log(httpRecord({ responseCode: 503, responseFlags: ['UH'] }));
  await a.close();
  b.log(tcpRecord());
  await b.close();
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => [l.response_code, l.response_flags]), [[200, '-'], [503, 'UH'], [0, '-']]);
  assert.equal(a.dropped, 0);
});

test('a custom TEXT format gets its newline; a bad JSON format falls back and is reported', () => {
  const text = accessLogFormatter({ accessLogFormat: '%RESPONSE_CODE% %BOGUS%' });
  assert.equal(text.format(httpRecord()), '200 %BOGUS%\n');
  assert.deepEqual(text.problems, ['accessLogFormat: unknown command %BOGUS%']);
  const json = accessLogFormatter({ accessLogEncoding: 'JSON', accessLogFormat: '{"code": "%RESPONSE_CODE%"}' });
  assert.equal(json.format(httpRecord()), '{"code":200}\n');
  const bad = accessLogFormatter({ accessLogEncoding: 'JSON', accessLogFormat: '[1]' });
  assert.equal(bad.problems.length, 1);
  assert.equal((JSON.parse(bad.format(httpRecord())) as { method: string }).method, 'GET');
});

test('a file that cannot be opened is reported once and its lines are dropped', async () => {
  const errors: string[] = [];
  const w = AccessLogWriter.open(
    { accessLogFile: join(tmpdir(), 'skiff-no-such-dir', String(process.pid), 'x.log') },
    { onError: (m) => errors.push(m) },
  )!;
  w.log(httpRecord());
  await new Promise<void>((resolve) => {
    const check = (): void => (errors.length > 0 ? resolve() : void setTimeout(check, 5));
    check();
  });
  w.log(httpRecord());
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /ENOENT/);
  assert.ok(w.dropped >= 1);
  await w.close();
});
