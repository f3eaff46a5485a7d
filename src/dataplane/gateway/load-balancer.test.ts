import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadBalancerPolicy } from '../config/model.ts';
import { EndpointPicker } from './load-balancer.ts';
import { cluster } from './test-config.ts';

const withLb = (loadBalancer: LoadBalancerPolicy) => ({ ...cluster('a.default.svc.cluster.local', 80, [1, 2, 3].map((i) => ({ address: `127.0.0.${i}`, port: 8080 }))), loadBalancer });
const ctx = (headers: Record<string, string> = {}, path = '/', clientIp = '10.0.0.1') => ({ headers, path, clientIp, random: () => 0.5 });

describe('EndpointPicker', () => {
  it('round robin by default, random when asked', () => {
    const p = new EndpointPicker();
    const rr = withLb({ type: 'simple', algorithm: 'ROUND_ROBIN' });
    assert.deepEqual([0, 1, 2, 3].map(() => p.pick(rr, ctx())?.address), ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.1']);
    assert.equal(p.pick(withLb({ type: 'simple', algorithm: 'RANDOM' }), ctx())?.address, '127.0.0.2');
  });

  it('consistent hashing keeps a key on one endpoint, moves on for a retry, and falls back to round robin without a key', () => {
    const p = new EndpointPicker();
    for (const [lb, c] of [
      [{ type: 'consistent-hash', key: { header: 'X-User' } }, ctx({ 'x-user': 'alice' })],
      [{ type: 'consistent-hash', key: { cookie: 'session' } }, ctx({ cookie: 'a=1; session=xyz' })],
      [{ type: 'consistent-hash', key: { sourceIp: true } }, ctx({}, '/', '10.1.2.3')],
      [{ type: 'consistent-hash', key: { queryParameter: 'u' } }, ctx({}, '/p?u=bob')],
    ] as const) {
      const cl = withLb(lb);
      const first = p.pick(cl, c)?.address;
      assert.equal(p.pick(cl, c)?.address, first);
      assert.notEqual(p.pick(cl, c, 1)?.address, first);
    }
    const noKey = withLb({ type: 'consistent-hash', key: { header: 'x-user' } });
    assert.notEqual(p.pick(noKey, ctx())?.address, p.pick(noKey, ctx())?.address);
  });
});
