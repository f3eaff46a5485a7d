import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RunningProgram } from '../program.ts';
import { queueProxy } from './program.ts';

/** A fresh 127.x address per instance: the admin and metrics ports are fixed. */
const freshAddress = () => `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

const freePort = async (host: string): Promise<number> => {
  const s = createTcpServer();
  const port = await new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
};

interface Answer { status: number; headers: IncomingHttpHeaders; body: string }
const call = (host: string, port: number, opts: { path?: string; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> => new Promise((resolve, reject) => {
  const req = request({ host, port, path: opts.path ?? '/', method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
  });
  req.on('error', reject);
  req.end(opts.body);
});

interface Pod {
  address: string;
  port: number;
  running: RunningProgram;
  signal(name: 'SIGTERM'): void;
  exited: Promise<number>;
  log(): string;
}

async function startQueueProxy(address: string, env: Record<string, string>): Promise<Pod> {
  const port = await freePort(address);
  const handlers = new Map<string, () => void>();
  let text = '';
  let up!: () => void;
  const listening = new Promise<void>((r) => (up = r));
  let exit!: (code: number) => void;
  const exited = new Promise<number>((r) => (exit = r));
  const running = queueProxy({
    env: { SKIFF_LISTEN_ADDRESS: address, QUEUE_SERVING_PORT: String(port), SERVING_NAMESPACE: 'default', SERVING_CONFIGURATION: 'hello', SERVING_REVISION: 'hello-00001', SERVING_SERVICE: 'hello', SERVING_POD: 'hello-00001-deployment-x', ...env },
    args: [],
    stdout: { write: () => {} },
    stderr: {
      write: (t) => {
        text += t;
        if ((text.match(/Starting http server/g) ?? []).length === 4) up();
      },
    },
    onSignal: (s, h) => void handlers.set(s, h),
    exit: (code) => exit(code),
  });
  await listening;
  return { address, port, running, signal: (s) => handlers.get(s)!(), exited, log: () => text };
}

/** The user container: echoes what it saw; `/slow` waits for `release()`; `/sleep?ms=N` sleeps. */
function userApp(address: string) {
  const seen: IncomingMessage[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/slow') {
        held.push(res);
        return;
      }
      if (url.pathname === '/stall') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).write('part');
        held.push(res);
        return;
      }
      const reply = () => res.writeHead(201, { 'X-App': 'yes', 'Set-Cookie': ['a=1', 'b=2'] }).end(`echo:${body}`);
      if (url.pathname === '/sleep') setTimeout(reply, Number(url.searchParams.get('ms')));
      else reply();
    });
  });
  return {
    seen,
    held,
    release: () => held.splice(0).forEach((r) => r.writeHead(200).end('released')),
    listen: () => new Promise<number>((r) => server.listen(0, address, () => r((server.address() as AddressInfo).port))),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('queue-proxy', () => {
  const address = freshAddress();
  const app = userApp(address);
  let pod: Pod;
  before(async () => {
    const userPort = await app.listen();
    pod = await startQueueProxy(address, { USER_PORT: String(userPort), SERVING_READINESS_PROBE: JSON.stringify({ tcpSocket: { port: userPort, host: '127.0.0.1' }, successThreshold: 1 }) });
  });
  after(() => {
    pod.running.close();
    app.close();
  });

  it('proxies to the user container: body both ways, headers kept, revision headers pruned, X-Forwarded-For added', async () => {
    const answer = await call(address, pod.port, {
      path: '/echo?x=1',
      method: 'POST',
      body: 'hi there',
      headers: { Host: 'hello.default.example.com', 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': 'default', 'X-Custom': 'kept' },
    });
    assert.equal(answer.status, 201);
    assert.equal(answer.body, 'echo:hi there');
    assert.equal(answer.headers['x-app'], 'yes');
    assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
    const seen = app.seen.at(-1)!;
    assert.equal(seen.url, '/echo?x=1');
    assert.equal(seen.headers.host, 'hello.default.example.com');
    assert.equal(seen.headers['x-custom'], 'kept');
    assert.equal(seen.headers['knative-serving-revision'], undefined);
    assert.equal(seen.headers['knative-serving-namespace'], undefined);
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('answers the queue readiness probe, from the kubelet too, by probing the user container', async () => {
    const byHeader = await call(address, pod.port, { headers: { 'K-Network-Probe': 'queue' } });
    assert.deepEqual([byHeader.status, byHeader.body], [200, 'queue']);
    const byKubelet = await call(address, pod.port, { headers: { 'User-Agent': 'kube-probe/1.32' } });
    assert.deepEqual([byKubelet.status, byKubelet.body], [200, 'queue']);
    const wrongValue = await call(address, pod.port, { headers: { 'User-Agent': 'kube-probe/1.32', 'K-Network-Probe': 'other' } });
    assert.deepEqual([wrongValue.status, wrongValue.body], [400, 'unexpected probe header value: other\n']);
    assert.equal(app.seen.some((r) => r.headers['k-network-probe']), false);
  });

  it('echoes K-Network-Hash to the ingress prober and refuses a probe without one', async () => {
    const ok = await call(address, pod.port, { headers: { 'K-Network-Probe': 'probe', 'K-Network-Hash': 'abc123' } });
    assert.deepEqual([ok.status, ok.headers['k-network-hash']], [200, 'abc123']);
    const missing = await call(address, pod.port, { headers: { 'K-Network-Probe': 'probe' } });
    assert.deepEqual([missing.status, missing.body], [400, 'a probe request must contain a non-empty "K-Network-Hash" header\n']);
  });

  it('reports time-weighted concurrency and request rates on 9090 and request counts on 9091', async () => {
    // Let a report period close so the next one holds only this traffic.
    await new Promise((r) => setTimeout(r, 1050));
    await Promise.all([
      call(address, pod.port, { path: '/sleep?ms=400' }),
      call(address, pod.port, { path: '/sleep?ms=400', headers: { 'K-Proxy-Request': 'activator' } }),
    ]);
    const value = (text: string, name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    let text = '';
    // The next report includes both requests once their period has closed.
    for (let i = 0; i < 30; i++) {
      text = (await call(address, 9090, { path: '/metrics' })).body;
      if (value(text, 'queue_requests_per_second') === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(value(text, 'queue_requests_per_second'), 2, text);
    assert.equal(value(text, 'queue_proxied_operations_per_second'), 1);
    const concurrency = value(text, 'queue_average_concurrent_requests');
    assert.ok(concurrency > 0.4 && concurrency < 1.2, `average concurrency ${concurrency}`);
    assert.ok(value(text, 'queue_average_proxied_concurrent_requests') > 0.2);
    assert.ok(value(text, 'process_uptime') > 1);
    assert.match(text, /destination_namespace="default",destination_pod="hello-00001-deployment-x",destination_revision="hello-00001"/);
    const user = (await call(address, 9091, { path: '/metrics' })).body;
    assert.match(user, /^revision_request_count\{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001",pod_name="hello-00001-deployment-x",container_name="queue-proxy",response_code="201",response_code_class="2xx",route_tag="DISABLED"\} 3$/m, 'the two just now and the first test\'s');
    assert.match(user, /^revision_app_request_count\{.*response_code="201".*\} 3$/m);
    // Probes are not counted.
    assert.doesNotMatch(user, /response_code="400"/);
  });
});

describe('queue-proxy upgrades', () => {
  it('passes a protocol upgrade through and copies bytes both ways', async () => {
    const address = freshAddress();
    const app = createServer((_req, res) => res.writeHead(426).end());
    app.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Host: ${req.headers.host}\r\n\r\n`);
      socket.pipe(socket);
    });
    const userPort = await new Promise<number>((r) => app.listen(0, address, () => r((app.address() as AddressInfo).port)));
    const pod = await startQueueProxy(address, { USER_PORT: String(userPort), CONTAINER_CONCURRENCY: '1' });
    try {
      const echoed = await new Promise<{ host: string | string[] | undefined; data: string }>((resolve, reject) => {
        const req = request({ host: address, port: pod.port, headers: { Connection: 'Upgrade', Upgrade: 'echo', Host: 'ws.example.com' }, agent: false });
        req.on('upgrade', (res, socket) => {
          socket.once('data', (d: Buffer) => {
            socket.destroy();
            resolve({ host: res.headers['x-host'], data: d.toString() });
          });
          socket.write('ping');
        });
        req.on('error', reject);
        req.end();
      });
      assert.deepEqual(echoed, { host: 'ws.example.com', data: 'ping' });
    } finally {
      pod.running.close();
      app.closeAllConnections();
      app.close();
    }
  });
});

describe('queue-proxy keep-alive', () => {
  it('sends a bodyless request again when the app closed the kept-alive connection it was reused on', async () => {
    const address = freshAddress();
    const perSocket = new WeakMap<object, number>();
    let answered = 0;
    const app = createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      // The second request on a connection meets a server that has just closed it.
      if (n === 2) {
        req.socket.destroy();
        return;
      }
      answered++;
      res.writeHead(200, { 'Content-Length': 2 }).end('ok');
    });
    const userPort = await new Promise<number>((r) => app.listen(0, address, () => r((app.address() as AddressInfo).port)));
    const pod = await startQueueProxy(address, { USER_PORT: String(userPort) });
    try {
      assert.equal((await call(address, pod.port)).status, 200);
      assert.equal((await call(address, pod.port)).status, 200);
      assert.equal(answered, 2);
      // With a body the request is not repeated: the app may have read it. (Requests with a
      // body have their own pooled connections: the first is answered, the second meets the close.)
      assert.equal((await call(address, pod.port, { method: 'POST', body: 'x' })).status, 200);
      const withBody = await call(address, pod.port, { method: 'POST', body: 'x' });
      assert.equal(withBody.status, 502);
    } finally {
      pod.running.close();
      app.closeAllConnections();
      app.close();
    }
  });
});

describe('queue-proxy malformed answers', () => {
  it('answers 502 when the app sends a response head that cannot be passed on, and keeps serving', async () => {
    const address = freshAddress();
    const app = createTcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nBad\u0001Name: x\r\nContent-Length: 0\r\n\r\n')));
    const userPort = await new Promise<number>((r) => app.listen(0, address, () => r((app.address() as AddressInfo).port)));
    const pod = await startQueueProxy(address, { USER_PORT: String(userPort) });
    try {
      assert.equal((await call(address, pod.port)).status, 502);
      assert.equal((await call(address, pod.port)).status, 502);
    } finally {
      pod.running.close();
      app.close();
    }
  });
});

describe('queue-proxy limits', () => {
  it('lets containerConcurrency requests run, queues 10 × CC, and refuses the rest with 503', async () => {
    const address = freshAddress();
    const app = userApp(address);
    const pod = await startQueueProxy(address, { USER_PORT: String(await app.listen()), CONTAINER_CONCURRENCY: '1' });
    try {
      const calls = Array.from({ length: 11 }, () => call(address, pod.port, { path: '/slow' }));
      while (app.held.length < 1) await new Promise((r) => setTimeout(r, 10));
      const refused = await call(address, pod.port, { path: '/slow' });
      assert.deepEqual([refused.status, refused.body], [503, 'pending request queue full\n']);
      assert.equal(app.held.length, 1, 'one request at a time reaches the app');
      // Release them one by one: each freed slot lets the next through.
      while ((await Promise.race([Promise.all(calls).then(() => 'all'), new Promise((r) => setTimeout(() => r('more'), 20))])) !== 'all') app.release();
      assert.deepEqual((await Promise.all(calls)).map((a) => a.status), Array(11).fill(200));
      const user = (await call(address, 9091, { path: '/metrics' })).body;
      assert.match(user, /^revision_request_count\{.*response_code="503".*\} 1$/m);
      assert.match(user, /^revision_queue_depth\{.*\} \d+$/m);
    } finally {
      pod.running.close();
      app.close();
    }
  });

  it('answers 504 request timeout when the app does not start its response within the revision timeout', async () => {
    const address = freshAddress();
    const app = userApp(address);
    const pod = await startQueueProxy(address, { USER_PORT: String(await app.listen()), REVISION_TIMEOUT_SECONDS: '1' });
    try {
      const t0 = Date.now();
      const answer = await call(address, pod.port, { path: '/slow' });
      assert.deepEqual([answer.status, answer.body], [504, 'request timeout']);
      assert.ok(Date.now() - t0 >= 950);
      const fast = await call(address, pod.port, { path: '/sleep?ms=10' });
      assert.equal(fast.status, 201);
    } finally {
      pod.running.close();
      app.close();
    }
  });

  it('applies the response-start and idle timeouts: 504 before the response starts, the message ends a stalled body', async () => {
    const address = freshAddress();
    const app = userApp(address);
    const pod = await startQueueProxy(address, { USER_PORT: String(await app.listen()), REVISION_RESPONSE_START_TIMEOUT_SECONDS: '1', REVISION_IDLE_TIMEOUT_SECONDS: '1' });
    try {
      const [notStarted, stalled] = await Promise.all([call(address, pod.port, { path: '/slow' }), call(address, pod.port, { path: '/stall' })]);
      assert.deepEqual([notStarted.status, notStarted.body], [504, 'request timeout']);
      assert.deepEqual([stalled.status, stalled.body], [200, 'partrequest timeout']);
    } finally {
      pod.running.close();
      app.close();
    }
  });

  it('fails readiness while the user container does not listen, and passes once it does (aggressive probing)', async () => {
    const address = freshAddress();
    const userPort = await freePort(address);
    const failing = await startQueueProxy(address, { USER_PORT: String(userPort), SERVING_READINESS_PROBE: JSON.stringify({ tcpSocket: { port: userPort }, periodSeconds: 1, timeoutSeconds: 1 }) });
    try {
      const down = await call(address, failing.port, { headers: { 'K-Network-Probe': 'queue' } });
      assert.equal(down.status, 503);
      // Default periodSeconds 0: retried every 50 ms, so an app that comes up a little later makes the same probe pass.
      const httpProbe = JSON.stringify({ httpGet: { port: userPort, path: '/healthz', host: '127.0.0.1' } });
      failing.running.close();
      const second = freshAddress();
      const app = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end());
      const pod = await startQueueProxy(second, { USER_PORT: String(userPort), SERVING_READINESS_PROBE: httpProbe });
      try {
        const probe = call(second, pod.port, { headers: { 'User-Agent': 'kube-probe/1.32', 'K-Network-Probe': 'queue' } });
        setTimeout(() => app.listen(userPort, second), 200);
        const up = await probe;
        assert.deepEqual([up.status, up.body], [200, 'queue']);
      } finally {
        pod.running.close();
        app.close();
      }
    } finally {
      failing.running.close();
    }
  });
});

describe('queue-proxy drain', () => {
  it('on SIGTERM fails probes with 503 shutting down, keeps serving, finishes wait-for-drain after the quiet period, and exits 0', async () => {
    const address = freshAddress();
    const app = userApp(address);
    const pod = await startQueueProxy(address, { USER_PORT: String(await app.listen()), SKIFF_QUEUE_DRAIN_SECONDS: '0.5' });
    try {
      let drained = 0;
      const hook = call(address, 8022, { path: '/wait-for-drain' }).then((a) => {
        drained = Date.now();
        return a;
      });
      pod.signal('SIGTERM');
      const probe = await call(address, pod.port, { headers: { 'K-Network-Probe': 'queue' } });
      assert.deepEqual([probe.status, probe.body], [503, 'shutting down\n']);
      await new Promise((r) => setTimeout(r, 300));
      const lastRequest = Date.now();
      assert.equal((await call(address, pod.port, { path: '/sleep?ms=1' })).status, 201, 'requests are still served while draining');
      // A request on a kept-alive connection that is still running when the drain ends…
      const keepAlive = new Agent({ keepAlive: true });
      const long = new Promise<Answer>((resolve, reject) => {
        request({ host: address, port: pod.port, path: '/sleep?ms=900', agent: keepAlive }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        }).on('error', reject).end();
      });
      assert.equal((await hook).status, 200);
      assert.ok(drained - lastRequest >= 450, `the quiet period restarts with each request (${drained - lastRequest} ms)`);
      // …finishes, and then its connection is closed so the program can exit.
      assert.equal((await long).status, 201);
      assert.equal(await pod.exited, 0);
      keepAlive.destroy();
      assert.match(pod.log(), /Shutdown complete, exiting/);
    } finally {
      pod.running.close();
      app.close();
    }
  });

  it('returns from wait-for-drain and serves probes again when no SIGTERM follows', async () => {
    const address = freshAddress();
    const app = userApp(address);
    const pod = await startQueueProxy(address, { USER_PORT: String(await app.listen()) });
    try {
      const t0 = Date.now();
      assert.equal((await call(address, 8022, { path: '/wait-for-drain' })).status, 200);
      assert.ok(Date.now() - t0 < 5000);
      assert.equal((await call(address, pod.port, { headers: { 'K-Network-Probe': 'queue' } })).status, 200);
    } finally {
      pod.running.close();
      app.close();
    }
  });
});
