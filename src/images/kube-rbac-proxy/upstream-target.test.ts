import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinPaths, parseUpstream, upstreamRequestTarget } from './upstream-target.ts';

test('Go\'s singleJoiningSlash', () => {
  assert.equal(joinPaths('', '/metrics'), '/metrics');
  assert.equal(joinPaths('/', '/metrics'), '/metrics');
  assert.equal(joinPaths('/base', '/metrics'), '/base/metrics');
  assert.equal(joinPaths('/base/', 'metrics'), '/base/metrics');
  assert.equal(joinPaths('/base', 'metrics'), '/base/metrics');
});

test('the upstream URL: the pod\'s localhost is its app address', () => {
  assert.deepEqual(parseUpstream('http://127.0.0.1:9090/', '127.0.0.7'), { protocol: 'http:', host: '127.0.0.7', port: 9090, basePath: '/', baseQuery: '' });
  assert.deepEqual(parseUpstream('http://localhost:9090', '127.0.0.7'), { protocol: 'http:', host: '127.0.0.7', port: 9090, basePath: '', baseQuery: '' });
  assert.deepEqual(parseUpstream('https://metrics.example:8443/api?x=1', '127.0.0.7'), { protocol: 'https:', host: 'metrics.example', port: 8443, basePath: '/api', baseQuery: 'x=1' });
  assert.deepEqual(parseUpstream('http://127.0.0.1:9090/', undefined), { protocol: 'http:', host: '127.0.0.1', port: 9090, basePath: '/', baseQuery: '' });
  assert.ok('error' in parseUpstream('not a url', undefined));
});

test('request targets join path and query as ReverseProxy does', () => {
  assert.equal(upstreamRequestTarget({ basePath: '/', baseQuery: '' }, '/metrics'), '/metrics');
  assert.equal(upstreamRequestTarget({ basePath: '/api', baseQuery: 'x=1' }, '/metrics?y=2'), '/api/metrics?x=1&y=2');
  assert.equal(upstreamRequestTarget({ basePath: '', baseQuery: 'x=1' }, '/m'), '/m?x=1');
  assert.equal(upstreamRequestTarget({ basePath: '', baseQuery: '' }, '/m?y=2'), '/m?y=2');
});
