import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createPeerIdentity, identifySocket } from './peer-identity.ts';
import type { PodProcesses } from './socket-owners.ts';

/**
 * Real processes holding real sockets: 50 "pods" (bash processes, each with ~20 open file
 * descriptors like a small runtime) connect to a server standing in for a ClusterIP
 * listener and say who they are; the resolver must name each from the accepted socket only.
 */
const PODS = 50;
const ADDRESS = '127.77.0.1';

/** One line: open the connection on fd 3, some more fds, say our index, wait for stdin to close. */
const CLIENT = 'exec 3<>/dev/tcp/$ADDR/$PORT; for f in $(seq 4 22); do eval "exec $f</dev/null"; done; echo $I >&3; read -r _';

interface Accepted {
  socket: Socket;
  index: number;
}

describe('createPeerIdentity (real processes)', () => {
  let server: Server;
  const accepted = new Map<number, Accepted>();
  const children: ChildProcess[] = [];
  const pods: PodProcesses[] = [];
  let waiters: Array<() => void> = [];

  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const startClient = (index: number, script: string): ChildProcess => {
    const port = (server.address() as AddressInfo).port;
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ADDR: ADDRESS, PORT: String(port), I: String(index), CLIENT }, stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(child);
    return child;
  };

  before(async () => {
    server = createServer((socket) => {
      let line = '';
      socket.on('data', (d) => {
        line += d.toString();
        if (!line.includes('\n')) return;
        accepted.set(Number(line.trim()), { socket, index: Number(line.trim()) });
        const w = waiters;
        waiters = [];
        for (const wake of w) wake();
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
    for (let i = 0; i < PODS; i++) {
      // Pod 7's connection comes from a grandchild of its main process.
      const child = startClient(i, i === 7 ? 'bash -c "$CLIENT" <&0 & wait' : CLIENT);
      pods.push({ podUid: `uid-${i}`, podIP: `127.244.0.${i + 2}`, namespace: 'ns', name: `pod-${i}`, pids: [child.pid!] });
    }
    await until(() => accepted.size === PODS);
  });

  after(async () => {
    for (const c of children) c.stdin?.end();
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((resolve) => c.once('exit', resolve)))));
    for (const a of accepted.values()) a.socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const addresses = (s: Socket) => [`${s.remoteAddress}:${s.remotePort}`, `${s.localAddress}:${s.localPort}`] as const;

  it('names the pod of every connection, a grandchild process included, within a bounded time', async () => {
    const timesCold: number[] = [];
    for (let i = 0; i < PODS; i++) {
      // A fresh resolver per lookup: nothing cached, the worst case.
      const resolver = createPeerIdentity({ pods: () => pods, isSharedHost: () => false });
      const t0 = performance.now();
      const who = await resolver.identify(...addresses(accepted.get(i)!.socket));
      timesCold.push(performance.now() - t0);
      assert.deepEqual(who, { kind: 'pod', podUid: `uid-${i}`, podIP: `127.244.0.${i + 2}`, namespace: 'ns', name: `pod-${i}` });
    }
    // Warm fd tables but a fresh TCP table per lookup: the steady state of new connections.
    const shared = createPeerIdentity({ pods: () => pods, isSharedHost: () => false, tableReuseMs: 0 });
    const timesWarm: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < PODS; i++) {
        const t0 = performance.now();
        const who = await shared.identify(...addresses(accepted.get(i)!.socket));
        if (round === 1) timesWarm.push(performance.now() - t0);
        assert.equal(who.kind === 'pod' && who.name, `pod-${i}`);
      }
    }
    const t0 = performance.now();
    // A burst on one resolver, as the service proxy sees it: table and fd reads are shared.
    const fresh = createPeerIdentity({ pods: () => pods, isSharedHost: () => false });
    const burst = await Promise.all([...accepted.values()].map((a) => fresh.identify(...addresses(a.socket))));
    const burstMs = performance.now() - t0;
    assert.equal(burst.filter((w) => w.kind === 'pod').length, PODS);
    // Each fd table read about once for the whole burst (pod 7's grandchild and its parent bash besides), not once per lookup.
    assert.ok(fresh.owners.reads <= 2 * (PODS + 2), `${fresh.owners.reads} fd table reads`);
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`;
    };
    const report = `${PODS} pods: cold lookup ${stats(timesCold)}; warm (cached fd tables, fresh TCP table) ${stats(timesWarm)}; ${PODS} concurrent cold lookups ${burstMs.toFixed(1)} ms (${fresh.owners.reads} fd table reads)`;
    console.log(`# ${report}`);
    // Generous bounds: the point is that a lookup is milliseconds, not a scan of the machine.
    assert.ok(timesCold.reduce((a, b) => a + b) / PODS < 200, report);
  });

  it('says ambiguous for a process listed by two pods or flagged as a shared host', async () => {
    const target = accepted.get(3)!.socket;
    const twice = [...pods, { ...pods[3]!, podUid: 'other', name: 'other' }];
    assert.deepEqual(await createPeerIdentity({ pods: () => twice, isSharedHost: () => false }).identify(...addresses(target)), { kind: 'ambiguous' });
    const hostPid = pods[3]!.pids[0]!;
    assert.deepEqual(await createPeerIdentity({ pods: () => pods, isSharedHost: (pid) => pid === hostPid }).identify(...addresses(target)), { kind: 'ambiguous' });
  });

  it("says node for a socket held by a process that is no pod's, unknown for one closed already", async () => {
    const resolver = createPeerIdentity({ pods: () => pods, isSharedHost: () => false });
    const port = (server.address() as AddressInfo).port;
    const mine = connect({ host: ADDRESS, port });
    await new Promise<void>((resolve) => mine.once('connect', resolve));
    mine.write('1000\n');
    await until(() => accepted.has(1000));
    const inbound = accepted.get(1000)!.socket;
    assert.deepEqual(await identifySocket(resolver, inbound), { kind: 'node' });
    const closed = new Promise((resolve) => inbound.once('end', resolve));
    mine.end();
    await closed;
    // The client's socket lingers in FIN_WAIT2 without an owner (inode 0).
    assert.deepEqual(await resolver.identify(...addresses(inbound)), { kind: 'unknown' });
  });
});
