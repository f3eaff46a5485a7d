import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestRecord } from '../request-record.ts';
import { EndpointPicker } from './load-balancer.ts';
import { OutlierTracker } from './outlier-detection.ts';
import { cluster } from './test-config.ts';

const record = (host: string, code: number, flags: RequestRecord['responseFlags'] = []): RequestRecord => ({
  protocol: 'http', reporter: 'gateway', startTime: 0, durationMs: 1, responseCode: code, responseFlags: flags, bytesReceived: 0, bytesSent: 0,
  connectionSecurityPolicy: 'unknown', source: {}, destination: {}, upstreamHost: host,
});

describe('OutlierTracker', () => {
  let now = 1_000;
  const od = { consecutive5xxErrors: 2, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50, minHealthPercent: 0 };
  const c = { ...cluster('a.default.svc.cluster.local', 80, [1, 2, 3, 4].map((i) => ({ address: `127.0.0.${i}`, port: 80 }))), outlierDetection: od };

  it('ejects after consecutive 5xx (a success resets the count), for base time × ejections, skipped by the picker', () => {
    const t = new OutlierTracker(() => now);
    t.observe(c, record('127.0.0.1:80', 503));
    t.observe(c, record('127.0.0.1:80', 200));
    t.observe(c, record('127.0.0.1:80', 500));
    assert.equal(t.isEjected(c, '127.0.0.1:80'), false);
    t.observe(c, record('127.0.0.1:80', 0, ['UF']));
    assert.equal(t.isEjected(c, '127.0.0.1:80'), true);
    const picker = new EndpointPicker();
    const ctx = { headers: {}, path: '/', clientIp: '', random: () => 0 };
    const picked = [0, 1, 2, 3, 4, 5].map(() => picker.pick(c, ctx, 0, (e) => t.isEjected(c, `${e.address}:${e.port}`))?.address);
    assert.ok(!picked.includes('127.0.0.1'));
    now += 30_001;
    assert.equal(t.isEjected(c, '127.0.0.1:80'), false);
    t.observe(c, record('127.0.0.1:80', 502));
    t.observe(c, record('127.0.0.1:80', 502));
    now += 30_001;
    assert.equal(t.isEjected(c, '127.0.0.1:80'), true, 'the second ejection lasts twice as long');
  });

  it('never ejects more than maxEjectionPercent of the endpoints (but at least one)', () => {
    const t = new OutlierTracker(() => now);
    for (const host of ['127.0.0.1:80', '127.0.0.2:80', '127.0.0.3:80']) for (let i = 0; i < 2; i++) t.observe(c, record(host, 503));
    assert.deepEqual(['127.0.0.1:80', '127.0.0.2:80', '127.0.0.3:80'].map((h) => t.isEjected(c, h)), [true, true, false]);
  });
});
