/**
 * Watch delivery latency: `watchers` concurrent watch streams on one collection while paced
 * writers update a few objects at a steady rate. Each write carries its sequence number;
 * latency runs from the write's acknowledgment (and, as a second figure, from its sending)
 * to the moment a watcher reads the event (see latency-collector.ts).
 *
 *  - skiff: HTTPS watch streams (`?watch=true&resourceVersion=…`, one connection each) and
 *    PUT updates, both authenticated with the kubeconfig's CA and token;
 *  - etcd (the peer): etcd3 prefix watchers and puts.
 */
import { Etcd3 } from 'etcd3';
import type { Readable } from 'node:stream';
import { kubeHttpFor } from '../test/support/kube-http.ts';
import { benchConfigMap, ensureNamespace } from './api-writes.ts';
import { LatencyCollector, type WatchLatencyResult } from './latency-collector.ts';
import { runPacedWrites, type PacedWriteResult } from './paced-writes.ts';

export interface WatchLoadOptions {
  watchers: number;
  /** Objects updated round-robin (one sequential writer each). */
  objects: number;
  ratePerSec: number;
  warmupWrites: number;
  measuredWrites: number;
}

interface WatchEventLine {
  type: string;
  object: { metadata: { resourceVersion: string }; data?: Record<string, string> };
}

const DRAIN_TIMEOUT_MS = 10_000;

export async function measureApiWatchLatency(kubeconfig: string, namespace: string, opts: WatchLoadOptions): Promise<WatchLatencyResult> {
  const writer = await kubeHttpFor(kubeconfig, { connections: opts.objects });
  const watchHttp = await kubeHttpFor(kubeconfig, { connections: opts.watchers });
  try {
    await ensureNamespace(writer, namespace);
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const versions = await Promise.all(Array.from({ length: opts.objects }, async (_, i) => {
      const created = await writer.request('POST', path, benchConfigMap(`watched-${i}`, -1));
      if (created.status !== 201) throw new Error(`create watched object: HTTP ${created.status}`);
      return (created.body as WatchEventLine['object']).metadata.resourceVersion;
    }));
    const from = versions.map(Number).reduce((a, b) => Math.max(a, b));
    const collector = new LatencyCollector(opts.warmupWrites, opts.measuredWrites * opts.watchers);
    // Every stream is open (headers received) before the first write.
    const streams = await Promise.all(Array.from({ length: opts.watchers }, async () => {
      const response = await watchHttp.pool.request({ method: 'GET', path: `${path}?watch=true&resourceVersion=${from}`, headers: watchHttp.headers });
      if (response.statusCode !== 200) throw new Error(`watch: HTTP ${response.statusCode} ${await response.body.text()}`);
      return response.body;
    }));
    const reading = streams.map((body) => readEvents(body, collector));
    const writes = await runPacedWrites({
      streams: opts.objects,
      ratePerSec: opts.ratePerSec,
      totalWrites: opts.warmupWrites + opts.measuredWrites,
      write: async (stream, seq) => {
        const name = `watched-${stream}`;
        collector.sent(seq, performance.now());
        const response = await writer.request('PUT', `${path}/${name}`, benchConfigMap(name, seq, versions[stream]));
        if (response.status !== 200) throw new Error(`update: HTTP ${response.status}`);
        collector.acknowledged(seq, performance.now());
        versions[stream] = (response.body as WatchEventLine['object']).metadata.resourceVersion;
      },
    });
    await collector.complete(DRAIN_TIMEOUT_MS);
    for (const body of streams) body.destroy();
    await Promise.all(reading);
    return result(opts, collector, writes);
  } finally {
    await Promise.all([writer.close(), watchHttp.close()]);
  }
}

/** Reads newline-delimited watch events; the receipt time is when the chunk arrived. */
async function readEvents(body: Readable, collector: LatencyCollector): Promise<void> {
  let pending = '';
  try {
    for await (const chunk of body) {
      const receivedAt = performance.now();
      const lines = (pending + (chunk as Buffer).toString('utf8')).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === '') continue;
        const event = JSON.parse(line) as WatchEventLine;
        if (event.type === 'MODIFIED') collector.received(Number(event.object.data?.seq), receivedAt);
      }
    }
  } catch {
    // destroyed at the end of the run
  }
}

export async function measureEtcdWatchLatency(endpoint: string, opts: WatchLoadOptions): Promise<WatchLatencyResult> {
  const client = new Etcd3({ hosts: `http://${endpoint}` });
  try {
    const prefix = '/bench/watch/';
    const collector = new LatencyCollector(opts.warmupWrites, opts.measuredWrites * opts.watchers);
    const watchers = await Promise.all(Array.from({ length: opts.watchers }, () => client.watch().prefix(prefix).create()));
    for (const watcher of watchers) {
      watcher.on('put', (kv) => {
        const receivedAt = performance.now();
        const value = JSON.parse(kv.value.toString('utf8')) as { data: Record<string, string> };
        collector.received(Number(value.data.seq), receivedAt);
      });
    }
    const writes = await runPacedWrites({
      streams: opts.objects,
      ratePerSec: opts.ratePerSec,
      totalWrites: opts.warmupWrites + opts.measuredWrites,
      write: async (stream, seq) => {
        const value = JSON.stringify(benchConfigMap(`watched-${stream}`, seq));
        collector.sent(seq, performance.now());
        await client.put(`${prefix}watched-${stream}`).value(value);
        collector.acknowledged(seq, performance.now());
      },
    });
    await collector.complete(DRAIN_TIMEOUT_MS);
    await Promise.all(watchers.map((watcher) => watcher.cancel()));
    return result(opts, collector, writes);
  } finally {
    client.close();
  }
}

function result(opts: WatchLoadOptions, collector: LatencyCollector, writes: PacedWriteResult): WatchLatencyResult {
  return {
    watchers: opts.watchers,
    measuredWrites: opts.measuredWrites,
    delivered: collector.delivered,
    expected: collector.expected,
    fromAckMs: collector.fromAck(),
    fromSendMs: collector.fromSend(),
    writeLatencyMs: writes.latencyMs,
    writeErrors: writes.errors,
    ...(writes.firstError === undefined ? {} : { firstError: writes.firstError }),
  };
}
