import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ProgramIO } from '../program.ts';
import { pilot } from './program.ts';

const get = (host: string, port: number, path: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
  const req = request({ host, port, path, agent: false }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  });
  req.on('error', reject);
  req.end();
});

test('pilot answers istiod\'s readiness and metrics on the pod address and exits 0 on SIGTERM', async () => {
  // 8080 and 15014 are fixed, as in istiod: the program gets a loopback address of its own.
  const address = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const handlers = new Map<string, () => void>();
  let log = '';
  let listening!: () => void;
  const up = new Promise<void>((r) => (listening = r));
  let exited!: (code: number) => void;
  const exit = new Promise<number>((r) => (exited = r));
  const io: ProgramIO = {
    env: { SKIFF_LISTEN_ADDRESS: address },
    args: ['discovery', '--monitoringAddr=:15014'],
    stdout: { write: () => {} },
    stderr: {
      write: (text) => {
        log += text;
        if (/readiness server listening/.test(log) && /monitoring server listening/.test(log)) listening();
      },
    },
    onSignal: (s, h) => void handlers.set(s, h),
    exit: (code) => exited(code),
  };
  const running = pilot(io);
  try {
    await up;
    assert.equal((await get(address, 8080, '/ready')).status, 200);
    assert.equal((await get(address, 8080, '/other')).status, 404);
    const metrics = await get(address, 15014, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^istio_build\{component="pilot",tag="1\.20\.8"\} 1$/m);
    handlers.get('SIGTERM')!();
    assert.equal(await exit, 0);
  } finally {
    running.close();
  }
});
