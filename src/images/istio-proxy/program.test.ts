import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import type { ProgramIO, RunningProgram } from '../program.ts';
import { parseAppProbers, runProber } from './app-probers.ts';
import { istioProxy } from './program.ts';
import { ENVOY_STATS_PORT, NOT_READY_MESSAGE } from './proxy-readiness.ts';

const listen = <T extends Server | TcpServer>(s: T): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const get = (port: number, path: string, method = 'GET', host = '127.0.0.1'): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
  const req = request({ host, port, path, method, agent: false, headers: { 'User-Agent': 'kube-probe/1.32' } }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  });
  req.on('error', reject);
  req.end();
});

describe('ISTIO_KUBE_APP_PROBERS', () => {
    it('keeps httpGet and tcpSocket probers and reports the rest', () => {
      const { probers, errors } = parseAppProbers(JSON.stringify({
        '/app-health/a/readyz': { httpGet: { path: '/r', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 2 },
        '/app-health/a/livez': { tcpSocket: { port: 5432 } },
        '/app-health/a/startupz': { grpc: { port: 1 } },
        '/elsewhere': { tcpSocket: { port: 1 } },
      }));
      assert.deepEqual([...probers.keys()], ['/app-health/a/readyz', '/app-health/a/livez']);
      assert.equal(errors.length, 2);
      assert.equal(parseAppProbers('{nope').errors.length, 1);
      assert.equal(parseAppProbers(undefined).probers.size, 0);
    });
});

describe('the proxyv2 agent', () => {
  let app: Server;
  let appPort: number;
  let closedPort: number;
  let tcp: TcpServer;
  let tcpPort: number;
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  before(async () => {
    app = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/moved') res.writeHead(302, { Location: '/ok' }).end();
      else res.writeHead(req.url === '/ok' ? 200 : 503).end('app says ok');
    });
    appPort = await listen(app);
    tcp = createTcpServer((s) => s.end());
    tcpPort = await listen(tcp);
    const spare = createTcpServer();
    closedPort = await listen(spare);
    await new Promise((r) => spare.close(r));
  });
  after(() => {
    app.close();
    tcp.close();
  });

  it('passes the app\'s status and body back, sends the kubelet\'s and the probe\'s headers, and answers 500 when the app is unreachable', async () => {
    const kubelet = { 'user-agent': 'kube-probe/1.32', host: '127.0.0.1:15020' };
    const ok = await runProber({ httpGet: { path: '/ok', port: appPort, httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }] } }, '127.0.0.1', kubelet, 15020);
    assert.deepEqual([ok.status, ok.body?.toString()], [200, 'app says ok']);
    assert.equal(seen.at(-1)!['k-network-probe'], 'queue');
    assert.equal(seen.at(-1)!['user-agent'], 'kube-probe/1.32');
    // The Host the kubelet used, with the agent's port swapped for the app's.
    assert.equal(seen.at(-1)!.host, `127.0.0.1:${appPort}`);
    assert.equal((await runProber({ httpGet: { path: 'bad', port: appPort } }, '127.0.0.1', {}, 15020)).status, 503);
    assert.equal((await runProber({ httpGet: { path: '/moved', port: appPort } }, '127.0.0.1', {}, 15020)).status, 200);
    assert.equal((await runProber({ httpGet: { port: closedPort } }, '127.0.0.1', {}, 15020)).status, 500);
    assert.equal((await runProber({ tcpSocket: { port: tcpPort } }, '127.0.0.1', {}, 15020)).status, 200);
    assert.equal((await runProber({ tcpSocket: { port: closedPort } }, '127.0.0.1', {}, 15020)).status, 500);
  });

  it('serves readiness on 15021 and the app probes on its status port, and exits 0 on SIGTERM', async () => {
    const handlers = new Map<string, () => void>();
    let exitCode: number | undefined;
    let exited!: () => void;
    let log = '';
    let listening!: () => void;
    const listeningPromise = new Promise<void>((r) => (listening = r));
    const exitedPromise = new Promise<void>((r) => (exited = r));
    // 15021 is fixed in Istio; the test gives the agent an address of its own so it cannot collide.
    const address = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const statusServer = createTcpServer();
    const statusPort = await new Promise<number>((r) => statusServer.listen(0, address, () => r((statusServer.address() as AddressInfo).port)));
    await new Promise((r) => statusServer.close(r));
    const io: ProgramIO = {
      env: {
        SKIFF_LISTEN_ADDRESS: address,
        SKIFF_POD_IP: '127.0.0.1',
        ISTIO_KUBE_APP_PROBERS: JSON.stringify({ '/app-health/app/readyz': { httpGet: { path: '/ok', port: appPort } }, '/app-health/app/livez': { httpGet: { path: '/no', port: appPort } } }),
      },
      args: ['proxy', 'sidecar', '--statusPort', String(statusPort)],
      stdout: { write: () => {} },
      stderr: {
        write: (text) => {
          log += text;
          if (/readiness server listening/.test(log) && /status server listening/.test(log)) listening();
        },
      },
      onSignal: (s, h) => void handlers.set(s, h),
      exit: (code) => {
        exitCode = code;
        exited();
      },
    };
    const running: RunningProgram = istioProxy(io);
    try {
      await listeningPromise;
      assert.equal((await get(15021, '/healthz/ready', 'GET', address)).status, 200);
      assert.equal((await get(statusPort, '/healthz/ready', 'GET', address)).status, 200);
      assert.equal((await get(statusPort, '/app-health/app/readyz', 'GET', address)).status, 200);
      assert.equal((await get(statusPort, '/app-health/app/livez', 'GET', address)).status, 503);
      const missing = await get(statusPort, '/app-health/other/readyz', 'GET', address);
      assert.deepEqual([missing.status, missing.body], [400, 'app prober config does not exists for /app-health/other/readyz']);
      assert.equal((await get(statusPort, '/quitquitquit', 'GET', address)).status, 405);
      assert.match((await get(statusPort, '/stats/prometheus', 'GET', address)).body, /^istio_build\{component="proxy",tag="1\.20\.8"\} 1$/m);
      handlers.get('SIGTERM')!();
      await exitedPromise;
      assert.equal(exitCode, 0);
    } finally {
      running.close();
    }
  });

  it('probes the app at its own address when the runtime moved it off the pod IP (a meshed pod), and is ready once the node proxy serves the pod', async () => {
    const octets = () => `${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const podIP = `127.${octets()}`;
    const appAddress = `127.${octets()}`;
    const inner = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end());
    const innerPort = await new Promise<number>((r) => inner.listen(0, appAddress, () => r((inner.address() as AddressInfo).port)));
    let log = '';
    let listening!: () => void;
    const up = new Promise<void>((r) => (listening = r));
    const running = istioProxy({
      env: {
        SKIFF_LISTEN_ADDRESS: podIP,
        SKIFF_POD_IP: podIP,
        SKIFF_APP_ADDRESS: appAddress,
        ISTIO_KUBE_APP_PROBERS: JSON.stringify({ '/app-health/app/readyz': { httpGet: { path: '/ok', port: innerPort } } }),
      },
      args: ['proxy', 'sidecar'],
      stdout: { write: () => {} },
      stderr: {
        write: (text) => {
          log += text;
          if (/status server listening/.test(log) && /readiness server listening/.test(log)) listening();
        },
      },
      onSignal: () => {},
      exit: () => {},
    });
    const envoy = createTcpServer((socket) => socket.destroy());
    try {
      await up;
      assert.equal((await get(15020, '/app-health/app/readyz', 'GET', podIP)).status, 200);
      // Nothing serves the pod IP's :15090 yet: Envoy's part is not ready (after the agent's hold).
      const early = await get(15021, '/healthz/ready', 'GET', podIP);
      assert.deepEqual([early.status, early.body], [503, NOT_READY_MESSAGE]);
      await new Promise<void>((r) => envoy.listen(ENVOY_STATS_PORT, podIP, r));
      assert.equal((await get(15021, '/healthz/ready', 'GET', podIP)).status, 200);
      assert.equal((await get(15020, '/healthz/ready', 'GET', podIP)).status, 200);
    } finally {
      running.close();
      inner.close();
      envoy.close();
    }
  });

  it('a gateway (router) is ready once the node proxy serves its pod IP, and exits 0 on POST /quitquitquit from the pod itself', async () => {
    const address = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    let log = '';
    let listening!: () => void;
    const up = new Promise<void>((r) => (listening = r));
    let exited!: (code: number) => void;
    const exit = new Promise<number>((r) => (exited = r));
    const running = istioProxy({
      env: { SKIFF_LISTEN_ADDRESS: address, SKIFF_POD_IP: address },
      args: ['proxy', 'router'],
      stdout: { write: () => {} },
      stderr: {
        write: (text) => {
          log += text;
          if (/status server listening/.test(log) && /readiness server listening/.test(log)) listening();
        },
      },
      onSignal: () => {},
      exit: (code) => exited(code),
    });
    const envoy = createTcpServer((socket) => socket.destroy());
    try {
      await up;
      assert.equal((await get(15021, '/healthz/ready', 'GET', address)).status, 503);
      await new Promise<void>((r) => envoy.listen(ENVOY_STATS_PORT, address, r));
      assert.equal((await get(15021, '/healthz/ready', 'GET', address)).status, 200);
      const quit = await get(15020, '/quitquitquit', 'POST', address);
      assert.deepEqual([quit.status, quit.body], [200, 'OK']);
      assert.equal(await exit, 0);
    } finally {
      running.close();
      envoy.close();
    }
  });
});
