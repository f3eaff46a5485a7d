import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { downstreamResponseHeaders, forwardedFrom, upstreamRequestHeaders } from './headers.ts';

describe('upstreamRequestHeaders', () => {
  it('prunes revision and hop-by-hop headers, keeps the rest as sent, and appends the client to X-Forwarded-For', () => {
    const out = upstreamRequestHeaders([
      'Host', 'hello.default.example.com',
      'Knative-Serving-Revision', 'hello-00001',
      'Knative-Serving-Namespace', 'default',
      'Connection', 'keep-alive, X-Private',
      'X-Private', 'secret',
      'Keep-Alive', 'timeout=5',
      'X-Custom', 'a',
      'X-Custom', 'b',
      'K-Proxy-Request', 'activator',
    ], '::ffff:127.0.0.9');
    assert.deepEqual(out, ['Host', 'hello.default.example.com', 'X-Custom', 'a', 'X-Custom', 'b', 'K-Proxy-Request', 'activator', 'X-Forwarded-For', '127.0.0.9']);
  });

  it('restores the host from K-Original-Host and shims Forwarded from X-Forwarded-*', () => {
    const out = upstreamRequestHeaders([
      'Host', 'hello-00001.default.svc',
      'K-Original-Host', 'hello.example.com',
      'X-Forwarded-For', '10.0.0.1, 10.0.0.2',
      'X-Forwarded-Proto', 'https',
    ], '127.0.0.5');
    assert.deepEqual(out, [
      'Host', 'hello.example.com',
      'X-Forwarded-Proto', 'https',
      'Forwarded', 'for=10.0.0.1;proto=https, for=10.0.0.2',
      'X-Forwarded-For', '10.0.0.1, 10.0.0.2, 127.0.0.5',
    ]);
  });

  it('leaves an existing Forwarded alone', () => {
    const out = upstreamRequestHeaders(['Forwarded', 'for=1.2.3.4', 'X-Forwarded-Host', 'h'], undefined);
    assert.deepEqual(out, ['Forwarded', 'for=1.2.3.4', 'X-Forwarded-Host', 'h']);
  });
});

describe('forwardedFrom', () => {
  it('quotes IPv6 nodes and orders host before proto', () => {
    assert.equal(forwardedFrom('::1, 10.0.0.1', 'http', 'example.com'), 'for="[::1]";host=example.com;proto=http, for=10.0.0.1');
    assert.equal(forwardedFrom('', 'https', ''), 'proto=https');
  });
});

describe('downstreamResponseHeaders', () => {
  it('drops hop-by-hop and transfer-encoding, keeps repeats', () => {
    assert.deepEqual(
      downstreamResponseHeaders(['Set-Cookie', 'a=1', 'Transfer-Encoding', 'chunked', 'Connection', 'close', 'Set-Cookie', 'b=2']),
      ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
    );
  });
});
