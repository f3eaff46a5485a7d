import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { ProbeWorker, type ProbeKind, type ProbeSpec } from './probe-worker.ts';

/** An HTTP server on a random loopback port answering `status`, counting requests; `hold` delays answers. */
async function server(status: () => number, hold?: Promise<void>): Promise<{ server: Server; port: number; requests: () => number }> {
  let requests = 0;
  const s = createServer((_req, res) => {
    requests++;
    void (hold ?? Promise.resolve()).then(() => res.writeHead(status()).end());
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { server: s, port: (s.address() as AddressInfo).port, requests: () => requests };
}

function worker(spec: ProbeSpec, startedAt = Date.now()) {
  const verdicts: boolean[] = [];
  const failures: string[] = [];
  let onVerdict: () => void = () => {};
  const w = new ProbeWorker('readiness', spec, { podIP: '127.0.0.1', ports: [], exec: () => Promise.reject(new Error('no exec')) }, startedAt, {
    changed: (_k: ProbeKind, ok: boolean) => {
      verdicts.push(ok);
      onVerdict();
    },
    failed: (_k: ProbeKind, output: string) => void failures.push(output),
  });
  const nextVerdict = () => new Promise<void>((resolve) => (onVerdict = resolve));
  return { w, verdicts, failures, nextVerdict };
}

const waitUntil = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

describe('ProbeWorker.trigger (the kubelet\'s manual readiness trigger)', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('tries again out of turn: a probe that failed turns ready at once, not a period later', async () => {
    let status = 503;
    const up = await server(() => status);
    servers.push(up.server);
    const { w, verdicts, failures, nextVerdict } = worker({ httpGet: { port: up.port, path: '/ready' }, periodSeconds: 300 });
    w.start();
    await waitUntil(() => failures.length === 1);
    assert.equal(failures[0], 'HTTP probe failed with statuscode: 503');
    status = 200;
    const ready = nextVerdict();
    w.trigger();
    await ready;
    assert.deepEqual(verdicts, [true]);
    assert.equal(up.requests(), 2);
    w.stop();
  });

  it('does nothing before initialDelaySeconds, beside a try in flight, or once stopped', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const up = await server(() => 200, hold);
    servers.push(up.server);

    const early = worker({ httpGet: { port: up.port }, initialDelaySeconds: 300 });
    early.w.trigger();
    early.w.stop();

    const { w, verdicts, nextVerdict } = worker({ httpGet: { port: up.port }, periodSeconds: 300, timeoutSeconds: 60 });
    w.start();
    await waitUntil(() => up.requests() === 1);
    w.trigger(); // the first try has not answered yet
    const ready = nextVerdict();
    release();
    await ready;
    assert.deepEqual(verdicts, [true]);
    w.stop();
    w.trigger();
    // A request of the test's own, sent after every trigger above: the server sees any try they started before it.
    await fetch(`http://127.0.0.1:${up.port}/fence`).then((r) => r.arrayBuffer());
    assert.equal(up.requests(), 2, 'the fence and one try: none before the initial delay, beside the try in flight, or after stop');
  });

  it('a trigger during a try that then fails runs once more right after it, as the kubelet\'s trigger channel holds one', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    // The first try is answered 503 (once released), every later one 200.
    const up: Awaited<ReturnType<typeof server>> = await server(() => (up.requests() === 1 ? 503 : 200), hold);
    servers.push(up.server);
    const { w, verdicts, nextVerdict } = worker({ httpGet: { port: up.port }, periodSeconds: 300, timeoutSeconds: 60 });
    w.start();
    await waitUntil(() => up.requests() === 1);
    w.trigger(); // held: the first try is in flight
    const ready = nextVerdict();
    release();
    await ready;
    assert.deepEqual(verdicts, [true]);
    assert.equal(up.requests(), 2);
    w.stop();
  });

  it('tryInFlight settles once the try under way has been counted, and is undefined between tries', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const up = await server(() => 200, hold);
    servers.push(up.server);
    const { w, verdicts } = worker({ httpGet: { port: up.port }, periodSeconds: 300, timeoutSeconds: 60 });
    assert.equal(w.tryInFlight, undefined, 'nothing runs before start');
    w.start();
    await waitUntil(() => up.requests() === 1);
    const inFlight = w.tryInFlight;
    assert.ok(inFlight, 'the first try is under way');
    release();
    await inFlight;
    assert.deepEqual(verdicts, [true], 'its verdict is in by the time it settles');
    assert.equal(w.tryInFlight, undefined);
    w.stop();
  });
});
