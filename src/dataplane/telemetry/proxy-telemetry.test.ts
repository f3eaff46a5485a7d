import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ProxyTelemetry } from './proxy-telemetry.ts';
import { httpRecord } from './test-records.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString()));
  return { stream, text: () => out };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('one report feeds the metrics and the access log; mesh config changes apply live', async () => {
  const out = capture();
  const t = new ProxyTelemetry({ stdout: out.stream });
  assert.equal(t.accessLogPath, undefined, 'no access log until mesh config asks for one');
  t.report(httpRecord());
  await turn();
  assert.equal(out.text(), '');

  await t.reconfigure({ accessLogFile: '/dev/stdout' });
  assert.equal(t.accessLogPath, '/dev/stdout');
  t.report(httpRecord({ responseCode: 404, responseFlags: ['NR'] }));
  await turn();
  await turn();
  assert.match(out.text(), /^\[2024-01-01T00:00:00\.000Z\] "GET \/reviews\/0 HTTP\/1\.1" 404 NR /);

  await t.reconfigure({ accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON' });
  t.report(httpRecord());
  await turn();
  await turn();
  const last = out.text().trim().split('\n').at(-1)!;
  assert.equal((JSON.parse(last) as { response_code: number }).response_code, 200);

  assert.match(await t.metrics.render(), /^istio_requests_total\{[^}]*response_code="200"[^}]*\} 2$/m);
  assert.match(await t.metrics.render(), /^istio_requests_total\{[^}]*response_code="404"[^}]*\} 1$/m);
  await t.reconfigure({ accessLogFile: '' });
  assert.equal(t.accessLogPath, undefined);
  await t.close();
});
