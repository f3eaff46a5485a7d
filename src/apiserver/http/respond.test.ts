import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SkiffError } from '../../errors/skiff-error.ts';
import { writeError } from './respond.ts';

/** Serves one handler on a random local port, makes one GET, and closes the server. */
async function answerOf(handler: (res: ServerResponse) => void): Promise<{ status: number; headers: IncomingMessage['headers']; body: string } | { failed: string }> {
  const server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', (err) => resolve({ failed: err.message }));
      });
      req.on('error', (err) => resolve({ failed: err.message }));
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a SkiffError leaves as its Status with its code in X-Skiff-Error-Code', async () => {
  const answer = await answerOf((res) => writeError(res, new SkiffError('SKF_API_NOT_FOUND', 'configmaps "x" not found')));
  assert.ok('status' in answer);
  assert.equal(answer.status, 404);
  assert.equal(answer.headers['x-skiff-error-code'], 'SKF_API_NOT_FOUND');
  assert.deepEqual(JSON.parse(answer.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "x" not found', reason: 'NotFound', code: 404 });
});

test('an unexpected error leaves as InternalError with the SKF_API_INTERNAL code', async () => {
  const answer = await answerOf((res) => writeError(res, new TypeError('boom')));
  assert.ok('status' in answer);
  assert.equal(answer.status, 500);
  assert.equal(answer.headers['x-skiff-error-code'], 'SKF_API_INTERNAL');
  assert.equal(JSON.parse(answer.body).message, 'Internal error occurred: boom');
});

test('an error after the head went out cuts the connection instead of throwing', async () => {
  let threw: unknown;
  const answer = await answerOf((res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"type":"ADDED"');
    try {
      writeError(res, new SkiffError('SKF_API_INTERNAL', 'stream failed'));
    } catch (err) {
      threw = err;
    }
  });
  assert.equal(threw, undefined);
  // The client sees a 200 whose body ends early (or an aborted response), never a Status.
  if ('status' in answer) assert.doesNotMatch(answer.body, /"kind":"Status"/);
  else assert.match(answer.failed, /aborted|socket hang up|ECONNRESET/);
});
