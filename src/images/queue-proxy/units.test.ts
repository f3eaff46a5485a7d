import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localHost, readConfig } from './config.ts';
import { Drainer } from './drainer.ts';
import { decodeProbes, makeProber } from './readiness.ts';

describe('readConfig', () => {
  it('reads upstream names with upstream defaults, and skiff\'s drain override', () => {
    const c = readConfig({ SERVING_NAMESPACE: 'ns', SERVING_REVISION: 'r', CONTAINER_CONCURRENCY: '4', REVISION_TIMEOUT_SECONDS: '10', SKIFF_LISTEN_ADDRESS: '127.1.2.3', SKIFF_QUEUE_DRAIN_SECONDS: '0.25' });
    assert.equal(c.containerConcurrency, 4);
    assert.equal(c.revisionTimeoutMs, 10_000);
    assert.equal(c.responseStartTimeoutMs, 0);
    assert.equal(c.servingPort, 8012);
    assert.equal(c.userPort, 8080);
    assert.equal(c.userHost, '127.1.2.3');
    assert.equal(c.drainQuietMs, 250);
    const d = readConfig({});
    assert.equal(d.revisionTimeoutMs, 300_000);
    assert.equal(d.drainQuietMs, 30_000);
    assert.equal(d.containerConcurrency, 0);
  });

  it('takes the pod\'s localhost from the bind address; a wildcard bind means 127.0.0.1', () => {
    assert.equal(localHost('0.0.0.0'), '127.0.0.1');
    assert.equal(localHost(undefined), '127.0.0.1');
    assert.equal(localHost('127.9.9.9'), '127.9.9.9');
  });
});

describe('readiness', () => {
  it('decodes one probe or a list, defaults to the user port, and reports bad JSON', () => {
    assert.deepEqual(decodeProbes(undefined, 8080), [{ tcpSocket: { port: 8080 } }]);
    assert.deepEqual(decodeProbes('{"tcpSocket":{"port":9}}', 8080), [{ tcpSocket: { port: 9 } }]);
    assert.equal((decodeProbes('[{"tcpSocket":{"port":9}},{"httpGet":{"port":8}}]', 8080) as unknown[]).length, 2);
    assert.ok(decodeProbes('{nope', 8080) instanceof Error);
  });

  it('runs httpGet probes against the pod\'s localhost (2xx/3xx ready), and shares one run among concurrent checks', async () => {
    let hits = 0;
    const app = createServer((req, res) => {
      hits++;
      assert.equal(req.headers['user-agent'], 'kube-probe//');
      assert.equal(req.headers['x-probe'], 'yes');
      setTimeout(() => res.writeHead(req.url === '/ok' ? 302 : 500).end(), 30);
    });
    const port = await new Promise<number>((r) => app.listen(0, '127.0.0.1', () => r((app.address() as AddressInfo).port)));
    try {
      const reports: string[] = [];
      const opts = { localHost: '127.0.0.1', userPort: port, report: (m: string) => void reports.push(m) };
      const ok = makeProber([{ httpGet: { port, path: '/ok', host: '127.0.0.1', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, periodSeconds: 1 }], opts);
      assert.deepEqual(await Promise.all([ok(), ok(), ok()]), [true, true, true]);
      assert.equal(hits, 1);
      const bad = makeProber([{ httpGet: { port, path: '/bad', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }], { ...opts, pollTimeoutMs: 200 });
      assert.equal(await bad(), false);
      assert.match(reports.at(-1)!, /aggressive probe error \(failed \d+ times\): HTTP probe did not respond Ready, got status code: 500/);
      assert.equal(await makeProber([{ grpc: { port: 1 }, periodSeconds: 1 }], opts)(), false);
    } finally {
      app.close();
    }
  });
});

describe('Drainer', () => {
  it('finishes a quiet period after the last request, and a reset lets waiters go', async () => {
    const d = new Drainer(80);
    assert.equal(d.draining, false);
    const t0 = Date.now();
    const done = d.drain();
    assert.equal(d.draining, true);
    await new Promise((r) => setTimeout(r, 50));
    d.requestSeen();
    await done;
    assert.ok(Date.now() - t0 >= 125, 'the request restarted the quiet period');
    const again = new Drainer(10_000);
    const waiting = again.drain();
    again.reset();
    await waiting;
    assert.equal(again.draining, false);
  });
});
