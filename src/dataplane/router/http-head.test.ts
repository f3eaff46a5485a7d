import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forwardedHead, parseRequestHead, serviceUnavailable } from './http-head.ts';
import { hostWithoutPort, routeHost } from './route-hosts.ts';

describe('parseRequestHead', () => {
  it('reads the request line, Host and path; the absolute form names the host itself', () => {
    const origin = parseRequestHead(Buffer.from('GET /a?b=1 HTTP/1.1\r\nhost: Shop.Test:8080\r\nAccept: */*\r\n\r\n'))!;
    assert.deepEqual([origin.method, origin.path, origin.host], ['GET', '/a?b=1', 'Shop.Test:8080']);
    const absolute = parseRequestHead(Buffer.from('GET http://other.test/x HTTP/1.1\r\nHost: shop.test\r\n\r\n'))!;
    assert.deepEqual([absolute.host, absolute.path], ['other.test', '/x']);
    assert.equal(parseRequestHead(Buffer.from('GET http://other.test HTTP/1.1\r\n\r\n'))!.path, '/');
  });

  it('refuses what is not an HTTP/1.x head', () => {
    for (const head of ['GET / HTTP/2\r\n\r\n', 'GET  / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nno colon\r\n\r\n', 'GET / HTTP/1.1\r\n bad: fold\r\n\r\n']) {
      assert.equal(parseRequestHead(Buffer.from(head)), undefined, head);
    }
  });
});

describe('forwardedHead', () => {
  it('replaces the forwarding headers HAProxy sets and appends X-Forwarded-For', () => {
    const raw = Buffer.from('POST /p HTTP/1.1\r\nHost: a.test\r\nForwarded: for=evil\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 10.0.0.1\r\nContent-Length: 0\r\n\r\n');
    const out = forwardedHead(parseRequestHead(raw)!, raw, { clientAddress: '::1', port: 18443, proto: 'https' }).toString('latin1');
    assert.equal(out, 'POST /p HTTP/1.1\r\nHost: a.test\r\nX-Forwarded-For: 10.0.0.1\r\nContent-Length: 0\r\n'
      + 'X-Forwarded-Host: a.test\r\nX-Forwarded-Port: 18443\r\nX-Forwarded-Proto: https\r\nForwarded: for="[::1]";host=a.test;proto=https\r\nX-Forwarded-For: ::1\r\n\r\n');
  });

  it('gives the 503 page a length and closes', () => {
    const page = serviceUnavailable().toString();
    const [head, body] = page.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(head, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close$`));
  });
});

describe('route hosts', () => {
  it('generates <name>-<namespace>.<domain>, or <subdomain>.<domain>, and strips ports', () => {
    assert.equal(routeHost({ name: 'web', namespace: 'shop' }, 'apps.test'), 'web-shop.apps.test');
    assert.equal(routeHost({ name: 'web', namespace: 'shop', subdomain: 'store' }, 'apps.test'), 'store.apps.test');
    assert.equal(routeHost({ name: 'web', namespace: 'shop', host: 'WWW.Shop.Test', subdomain: 'store' }, 'apps.test'), 'www.shop.test');
    assert.equal(hostWithoutPort('A.test:8080'), 'a.test');
    assert.equal(hostWithoutPort('[::1]:80'), '[::1]');
    assert.equal(hostWithoutPort('a.test'), 'a.test');
  });
});
