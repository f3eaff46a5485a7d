import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Balancer } from './balancer.ts';

const ep = (n: number) => ({ address: `127.0.0.${n}`, port: 80 });

describe('Balancer', () => {
  it('round-robins in proportion to the backends\' weights, spread over their endpoints', () => {
    const b = new Balancer([{ service: 'a', weight: 100, endpoints: [ep(1), ep(2)] }, { service: 'b', weight: 100, endpoints: [ep(3)] }, { service: 'c', weight: 0, endpoints: [ep(4)] }], 'roundrobin');
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const address = b.pick('x')!.endpoint.address;
      counts.set(address, (counts.get(address) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { '127.0.0.1': 100, '127.0.0.2': 100, '127.0.0.3': 200 });
  });

  it('has nothing to pick when every weight is 0 or no endpoint is ready', () => {
    assert.equal(new Balancer([{ service: 'a', weight: 0, endpoints: [ep(1)] }, { service: 'b', weight: 1, endpoints: [] }], 'roundrobin').pick('x'), undefined);
  });

  it('sends a client to the same endpoint with source, and to the least busy with leastconn', () => {
    const source = new Balancer([{ service: 'a', weight: 1, endpoints: [ep(1), ep(2), ep(3)] }], 'source');
    const first = source.pick('10.0.0.7')!.endpoint;
    for (let i = 0; i < 5; i++) assert.deepEqual(source.pick('10.0.0.7')!.endpoint, first);
    const least = new Balancer([{ service: 'a', weight: 1, endpoints: [ep(1), ep(2)] }], 'leastconn');
    const held = least.pick('x')!;
    assert.notDeepEqual(least.pick('x')!.endpoint, held.endpoint);
    assert.equal(new Balancer([{ service: 'a', weight: 1, endpoints: [ep(1)] }], 'random').pick('x')!.endpoint.address, '127.0.0.1');
  });
});
