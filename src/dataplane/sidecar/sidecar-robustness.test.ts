/**
 * Hostile clients and broken apps against a sidecar's STRICT, PERMISSIVE and DISABLE ports
 * (real sockets, real mesh certificates): nothing reaches the process as an uncaught exception
 * or unhandled rejection, every bad connection is answered as Envoy would (or closed) within
 * the proxy's timeouts, and the next good client is served.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import type { WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { MeshCa } from '../../mesh/pki/mesh-ca.ts';
import type { InboundPortMode } from '../config/sidecar-ports.ts';
import { SidecarProxy } from './sidecar-proxy.ts';
import { meshCa, podAddresses, rawConnect, recordsOf, workloadCert, type Transport } from './test-support.ts';
import type { SidecarTimeouts } from './timeouts.ts';

const SELF = { workload: 'hello', namespace: 'default', principal: 'spiffe://cluster.local/ns/default/sa/hello' };
const STREAM_IDLE_MS = 400;
const TIMEOUTS: Partial<SidecarTimeouts> = { detectionMs: 200, tlsHandshakeMs: 300, requestHeadersMs: 300, idleMs: 600, tcpIdleMs: 600, streamIdleMs: STREAM_IDLE_MS };
/** Slack on top of a timeout for "closed within the proxy's timeout" (timers, a loaded CI box). */
const SLACK_MS = 1_500;

const trapped: unknown[] = [];
const trap = (err: unknown) => void trapped.push(err);

/** Resolves with `promise`, or fails naming `what` after `ms`: how "within the timeout" is asserted. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The app: `/ok`, `/hang` (never answers), `/close-early`, `/close-mid`, `/reset`, `/upload`. */
interface App { server: Server; port: number; urls: string[]; gone: (url: string) => Promise<void>; close: () => Promise<void> }

async function brokenApp(address: string): Promise<App> {
  const urls: string[] = [];
  const closedUrls = new Map<string, () => void>();
  const closedPromises = new Map<string, Promise<void>>();
  const goneOf = (url: string) => {
    let p = closedPromises.get(url);
    if (!p) {
      p = new Promise<void>((r) => closedUrls.set(url, r));
      closedPromises.set(url, p);
    }
    return p;
  };
  const server = createServer((req: IncomingMessage, res) => {
    const url = req.url ?? '';
    urls.push(url);
    void goneOf(url);
    req.socket.once('close', () => closedUrls.get(url)?.());
    if (url === '/hang') return;
    if (url === '/close-early') return void req.socket.destroy();
    if (url === '/reset') return void req.socket.resetAndDestroy();
    if (url === '/close-mid') {
      res.writeHead(200, { 'content-length': '100' });
      return void res.write('partial', () => req.socket.destroy());
    }
    let n = 0;
    req.on('data', (d: Buffer) => (n += d.length));
    req.on('end', () => res.end(`${url} ${n}`));
    req.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return {
    server, port: (server.address() as AddressInfo).port, urls, gone: goneOf,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const req = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('SidecarProxy: robustness against bad clients and apps', () => {
  let ca: MeshCa;
  let server: WorkloadCertificate;
  let client: WorkloadCertificate;
  before(async () => {
    process.on('uncaughtException', trap);
    process.on('unhandledRejection', trap);
    ca = await meshCa();
    [server, client] = await Promise.all([workloadCert(ca, 'default', 'hello'), workloadCert(ca, 'tester', 'sleep')]);
  });
  after(() => {
    process.off('uncaughtException', trap);
    process.off('unhandledRejection', trap);
  });
  afterEach(() => assert.deepEqual(trapped, [], 'no uncaught exception or unhandled rejection'));

  /** A proxy on a fresh pod address in `mode` for `protocol`, with its app and a way to talk to it. */
  async function pod(mode: InboundPortMode, protocol = 'HTTP', transport: Transport = mode === 'STRICT' ? 'mtls' : 'plain') {
    const { address, appAddress } = podAddresses();
    const app = await brokenApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false, timeouts: TIMEOUTS });
    const recorded = recordsOf(proxy);
    await proxy.apply({ ports: [{ port: app.port, mode, protocol }], identity: server });
    const connect = (t: Transport = transport) => rawConnect(t, address, app.port, { ...client, rootCertPem: ca.rootCertPem });
    /** Sends `data`, waits for the proxy to close, returns what came back. */
    const exchange = async (data: string | Buffer, t: Transport = transport) => {
      const c = await connect(t);
      c.write(data);
      await within(c.closed, 5_000, 'the proxy closes');
      return c.text();
    };
    const good = async () => {
      const text = await exchange(req('GET /ok HTTP/1.1', 'Host: hello', 'Connection: close'));
      assert.match(text, /^HTTP\/1\.1 200 [^]*\r\n\r\n\/ok 0$/, 'the next good client is served');
    };
    const stop = async () => {
      await proxy.stop();
      await app.close();
    };
    return { address, app, proxy, ...recorded, connect, exchange, good, stop };
  }

  const configurations: { mode: InboundPortMode; transport: Transport }[] = [
    { mode: 'STRICT', transport: 'mtls' },
    { mode: 'PERMISSIVE', transport: 'plain' },
    { mode: 'PERMISSIVE', transport: 'mtls' },
    { mode: 'DISABLE', transport: 'plain' },
  ];
  for (const { mode, transport } of configurations) {
    describe(`${mode} port, ${transport} client`, () => {
      it('a malformed request line or header gets 400 and the app sees nothing', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          for (const bad of ['GARBAGE\r\n\r\n', req('GET / HTTP/1.1', 'Host: x', 'Bad Header: 1'), req('GET / HTTP/1.1', 'Host: x', 'X-A: a\x01b')]) {
            // From the proxy (a declared HTTP port has no TCP fallback), not from the app.
            assert.match(await p.exchange(bad), /^HTTP\/1\.1 400 Bad Request\r\n[^]*server: istio-envoy\r\n/, JSON.stringify(bad));
            await p.good();
          }
          assert.deepEqual(p.app.urls, ['/ok', '/ok', '/ok']);
        } finally {
          await p.stop();
        }
      });

      it('a header flood gets 431 (or a close); a smuggling shape gets 400', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          const many = Array.from({ length: 150 }, (_, i) => `X-${i}: v`);
          assert.match(await p.exchange(req('GET / HTTP/1.1', 'Host: x', ...many)), /^HTTP\/1\.1 431 /);
          await p.good();
          const huge = await p.exchange(req('GET / HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(80 * 1024)}`));
          assert.ok(huge === '' || /^HTTP\/1\.1 431 /.test(huge), huge.slice(0, 80));
          await p.good();
          assert.match(await p.exchange(req('POST / HTTP/1.1', 'Host: x', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
          await p.good();
          assert.deepEqual(p.app.urls, ['/ok', '/ok', '/ok'], 'nothing smuggled through');
        } finally {
          await p.stop();
        }
      });

      it('a slowloris client is cut after the head timeout while others are served', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          const slow = await p.connect();
          const bytes = Buffer.from(req('GET /slow HTTP/1.1', 'Host: x', ...Array.from({ length: 50 }, (_, i) => `X-${i}: v`)));
          let i = 0;
          const drip = setInterval(() => (i < bytes.length && !slow.isClosed() ? slow.write(bytes.subarray(i, ++i)) : undefined), 50);
          try {
            await p.good();
            const { detectionMs = 0, requestHeadersMs = 0 } = TIMEOUTS;
            await within(slow.closed, detectionMs + requestHeadersMs + SLACK_MS, 'slowloris cut');
          } finally {
            clearInterval(drip);
          }
          assert.match(slow.text(), /^(HTTP\/1\.1 408 [^]*request header timeout)?$/, slow.text());
          await p.good();
          assert.ok(!p.app.urls.includes('/slow'));
        } finally {
          await p.stop();
        }
      });

      it('an app that closes before or during its response, or resets: 503 UC, or the downstream cut', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          for (const path of ['/close-early', '/reset']) {
            const text = await p.exchange(req(`GET ${path} HTTP/1.1`, 'Host: x', 'Connection: close'));
            assert.match(text, /^HTTP\/1\.1 50[23] /, `${path}: ${text}`);
            await p.good();
            const record = p.records.find((r) => r.path === path);
            assert.ok(record?.responseFlags.some((f) => f === 'UC' || f === 'UF'), `${path}: ${JSON.stringify(record?.responseFlags)}`);
          }
          const mid = await p.exchange(req('GET /close-mid HTTP/1.1', 'Host: x', 'Connection: close'));
          assert.match(mid, /^HTTP\/1\.1 200 [^]*\r\n\r\npartial$/, 'headers were sent: the downstream is cut after what came');
          await p.good();
        } finally {
          await p.stop();
        }
      });

      it('an app that never answers is freed when the client goes; a client reset mid-body frees the app too', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          const hang = await p.connect();
          hang.write(req('GET /hang HTTP/1.1', 'Host: x'));
          const upload = await p.connect();
          upload.write(req('POST /upload HTTP/1.1', 'Host: x', 'Content-Length: 100000') + 'x'.repeat(1000));
          await within(waitFor(() => p.app.urls.includes('/hang') && p.app.urls.includes('/upload')), 5_000, 'both reached the app');
          hang.reset();
          upload.reset();
          await within(Promise.all([p.app.gone('/hang'), p.app.gone('/upload')]), 5_000, 'the app connections are freed');
          await p.good();
        } finally {
          await p.stop();
        }
      });

      // Envoy does not half-close HTTP/1 (envoyproxy/envoy#2066, #17160): a client's FIN ends
      // the connection and resets what is in flight, flag DC. skiff's engine does the same.
      it('a client that half-closes after its request is closed as Envoy does (DC), and the app freed', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          const c = await p.connect();
          c.end(req('GET /hang HTTP/1.1', 'Host: x'));
          await within(c.closed, 5_000, 'closed');
          assert.equal(c.text(), '');
          if (p.app.urls.includes('/hang')) await within(p.app.gone('/hang'), 5_000, 'the app connection is freed');
          await p.good();
          const half = p.records.find((r) => r.path === '/hang');
          if (half) assert.ok(half.responseFlags.includes('DC'), JSON.stringify(half.responseFlags));
        } finally {
          await p.stop();
        }
      });

      it('a client that connects and never sends a byte is closed within the proxy\'s timeouts', async () => {
        const p = await pod(mode, 'HTTP', transport);
        try {
          const silent = await p.connect();
          const { detectionMs = 0, idleMs = 0 } = TIMEOUTS;
          await within(silent.closed, detectionMs + idleMs + SLACK_MS, 'a silent client is closed');
          await p.good();
        } finally {
          await p.stop();
        }
      });
    });
  }

  // Envoy's stream_idle_timeout (5 min, which Istio keeps for inbound) also covers a stream
  // waiting for its response: 408 `stream timeout`, flag SI. Inbound routes have no route
  // timeout in Istio. The engine's listener sweeps in-flight exchanges for it.
  it('an app that never answers gets 408 stream timeout after the stream idle timeout', async () => {
    const p = await pod('PERMISSIVE');
    try {
      const c = await p.connect();
      c.write(req('GET /hang HTTP/1.1', 'Host: x'));
      await within(c.closed, STREAM_IDLE_MS + SLACK_MS, 'stream idle timeout');
      assert.match(c.text(), /^HTTP\/1\.1 408 [^]*stream timeout$/);
    } finally {
      await p.stop();
    }
  });

  it('a TCP port: an app that resets mid-stream, a client that resets, and an idle relay are closed; the next client is relayed', async () => {
    const { address, appAddress } = podAddresses();
    // Echoes, except that `reset` makes it reset the connection.
    const appSockets = new Set<Socket>();
    const app = createNetServer((s) => {
      appSockets.add(s);
      s.once('close', () => appSockets.delete(s));
      s.on('error', () => undefined);
      s.on('data', (d: Buffer) => (d.toString() === 'reset' ? s.resetAndDestroy() : s.write(d)));
    });
    await new Promise<void>((r) => app.listen(0, appAddress, r));
    const port = (app.address() as AddressInfo).port;
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false, timeouts: TIMEOUTS });
    const { records, next } = recordsOf(proxy);
    const identity = { ...client, rootCertPem: ca.rootCertPem };
    try {
      await proxy.apply({ ports: [{ port, mode: 'PERMISSIVE', protocol: 'TCP' }], identity: server });
      for (const transport of ['plain', 'mtls'] as const) {
        const resetByApp = await rawConnect(transport, address, port, identity);
        resetByApp.write('hello');
        await within(waitFor(() => resetByApp.text() === 'hello'), 5_000, 'relayed');
        resetByApp.write('reset');
        await within(resetByApp.closed, 5_000, 'the app reset reaches the client');
        const resetByClient = await rawConnect(transport, address, port, identity);
        resetByClient.write('hi');
        await within(waitFor(() => resetByClient.text() === 'hi'), 5_000, 'relayed');
        resetByClient.reset();
        await within(waitFor(() => appSockets.size === 0), 5_000, 'the client reset frees the app connection');
        const idle = await rawConnect(transport, address, port, identity);
        idle.write('x');
        const { tcpIdleMs = 0 } = TIMEOUTS;
        await within(idle.closed, tcpIdleMs + SLACK_MS, 'an idle relay is closed');
        const good = await rawConnect(transport, address, port, identity);
        good.write('still');
        await within(waitFor(() => good.text() === 'still'), 5_000, 'the next client is relayed');
        good.end();
        await within(good.closed, 5_000, 'a half-close is passed on and answered with one');
      }
      await next(8);
      assert.deepEqual(records.map((r) => r.protocol), Array(8).fill('tcp'));
    } finally {
      await proxy.stop();
      for (const s of appSockets) s.destroy();
      await new Promise<void>((r) => app.close(() => r()));
    }
  });

  it('clients that reset in every phase (sniffing, handshake, after it, mid-head) cost nothing but their connection', async () => {
    for (const protocol of ['HTTP', 'AUTO', 'TCP']) {
      const p = await pod('PERMISSIVE', protocol);
      try {
        const resets: Promise<void>[] = [];
        for (let i = 0; i < 5; i++) {
          const sniffing = await p.connect('plain');
          sniffing.reset();
          const handshaking = await p.connect('plain');
          handshaking.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
          handshaking.reset();
          const secured = await p.connect('mtls');
          secured.reset();
          const midHead = await p.connect('mtls');
          midHead.write('GET /ok HTTP/1.1\r\nHost: x\r\nX-A: 1');
          midHead.reset();
          resets.push(sniffing.closed, handshaking.closed, secured.closed, midHead.closed);
        }
        await within(Promise.all(resets), 5_000, 'every reset client is gone');
        if (protocol !== 'TCP') await p.good();
      } finally {
        await p.stop();
      }
    }
  });

  it('a drain is not held up by stalled clients: sniffing, handshaking, in a head, relayed', async () => {
    const p = await pod('PERMISSIVE', 'AUTO');
    try {
      const stalled = await Promise.all([p.connect('plain'), p.connect('plain'), p.connect('mtls'), p.connect('plain')]);
      stalled[1]!.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      stalled[2]!.write('GET /ok HTTP/1.1\r\n');
      stalled[3]!.write('\x00binary');
      await within(p.proxy.drain(300), 300 + SLACK_MS, 'the drain ends at its deadline');
      await within(Promise.all(stalled.map((c) => c.closed)), SLACK_MS, 'every stalled client is closed');
    } finally {
      await p.stop();
    }
  });

  it('PERMISSIVE AUTO: a silent client becomes TCP after detection and is closed by the TCP idle timeout', async () => {
    const p = await pod('PERMISSIVE', 'AUTO');
    try {
      const silent = await p.connect('plain');
      const { detectionMs = 0, tcpIdleMs = 0 } = TIMEOUTS;
      await within(silent.closed, 2 * detectionMs + tcpIdleMs + SLACK_MS, 'a silent TCP client is closed');
      await p.good();
    } finally {
      await p.stop();
    }
  });

  it('STRICT: a plaintext client is cut; a TLS client that never finishes its handshake is closed after the handshake timeout', async () => {
    const p = await pod('STRICT');
    try {
      assert.equal(await p.exchange(req('GET /ok HTTP/1.1', 'Host: x'), 'plain'), '');
      const stalled = await p.connect('plain');
      // The first bytes of a TLS record (handshake, TLS 1.0 record version, a length) — and nothing more.
      stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      const { tlsHandshakeMs = 0 } = TIMEOUTS;
      await within(stalled.closed, tlsHandshakeMs + SLACK_MS, 'a stalled handshake is closed');
      const broken = await p.exchange(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 1, 2, 3, 4]), 'plain');
      assert.ok(broken === '' || broken.startsWith('\x15'), 'a broken ClientHello gets at most a TLS alert, then the close');
      await p.good();
    } finally {
      await p.stop();
    }
  });
});

/** Resolves once `check()` holds, looking again on each turn of the event loop's timers phase. */
function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const look = () => (check() ? resolve() : void setTimeout(look, 10));
    look();
  });
}
