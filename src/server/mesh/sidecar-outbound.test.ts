/**
 * The outbound side's protocol detection on real sockets, with a real outbound proxy (the
 * engine in outbound mode) routing to a real app: how long a meshed client's first bytes are
 * waited for on an unnamed port is the mesh config's protocolDetectionTimeout when the mesh
 * sets one (0: however long), else the proxy's own default.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { GatewayProxy } from '../../dataplane/gateway/gateway-proxy.ts';
import { cluster, forwardTo, freePort, listener, proxyConfig, route } from '../../dataplane/gateway/test-config.ts';
import type { ListenerSpec } from '../../dataplane/service-proxy/snapshot.ts';
import { SIDECAR_STATUS_ANNOTATION } from '../../runtime/network/inner-address.ts';
import { createSidecarOutbound, type OutboundSniffing } from './sidecar-outbound.ts';

/** The meshed client pod: its connections come from 127.0.0.1. */
const CLIENT: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'apps', annotations: { [SIDECAR_STATUS_ANNOTATION]: '{}' } },
  spec: { containers: [{ name: 'shell' }] }, status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] },
} as Pod;
const pods = { list: () => [CLIENT], addHandlers: () => undefined };
/** Every destination takes plaintext here; detection does not depend on it. */
const plaintext = { originate: () => Promise.resolve(undefined) };
/** The proxy's own detection bound in these tests: a mesh value must win over it. */
const PROXY_DEFAULT_MS = 20;

describe('sidecar outbound: protocol detection timeout', () => {
  let app: HttpServer;
  let outbound: GatewayProxy;
  let servicePort: number;
  let front: Server;
  let frontPort: number;
  let decide: (client: Socket) => ReturnType<ReturnType<typeof createSidecarOutbound>['takeover']>;
  /** What takeover decided for each accepted connection, in order. */
  const decisions: Array<Promise<unknown>> = [];
  /** Both ends of every connection, destroyed at the end whatever a test left open. */
  const sockets: Socket[] = [];

  before(async () => {
    app = createHttpServer((req, res) => res.end(`app ${req.url}`));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    servicePort = await freePort();
    const appCluster = cluster('web-plain.apps.svc.cluster.local', servicePort, [{ address: '127.0.0.1', port: (app.address() as AddressInfo).port }]);
    outbound = new GatewayProxy({ address: '127.0.0.1', mode: 'outbound' });
    const applied = await outbound.apply(proxyConfig([listener(servicePort, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(forwardTo(appCluster))] }] }, [appCluster]), undefined);
    assert.deepEqual(applied.problems, []);
    // The service proxy's listener stands in front: each accepted client is offered to takeover.
    front = createServer((client) => {
      sockets.push(client);
      decisions.push(Promise.resolve(decide(client)));
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    front.close();
    await outbound.stop();
    app.close();
  });

  /** An unnamed Service port (`apps/web-plain:`), as the service proxy describes it. */
  const unnamed = (): ListenerSpec => ({ address: '10.96.0.10', port: servicePort, service: 'apps/web-plain:', backends: [] });
  const useMesh = (sniffing: OutboundSniffing) => {
    const sidecar = createSidecarOutbound(pods, plaintext, (ip, port) => (ip === '127.0.0.1' ? (outbound.ports.includes(port) ? outbound : undefined) : undefined), () => sniffing, PROXY_DEFAULT_MS);
    decide = (client) => sidecar.takeover(client, unnamed());
  };
  const open = async (): Promise<{ socket: Socket; decision: Promise<unknown> }> => {
    const before = decisions.length;
    const socket = connect(frontPort, '127.0.0.1');
    sockets.push(socket);
    while (decisions.length === before) await new Promise((r) => setImmediate(r));
    return { socket, decision: decisions.at(-1)! };
  };
  const answer = (socket: Socket) => new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => resolve(text));
  });

  it('a silent client on a sniffed port is given up on after the mesh\'s timeout, not the proxy\'s: TCP from then on', { timeout: 10_000 }, async () => {
    // The proxy's own bound is 20 ms; the mesh's is a minute. After 300 ms the decision is still open.
    useMesh({ timeoutMs: 60_000 });
    const waiting = await open();
    const settled = await Promise.race([waiting.decision.then(() => 'decided'), new Promise((r) => setTimeout(r, 300, 'pending'))]);
    assert.equal(settled, 'pending', 'the proxy\'s default did not apply');
    waiting.socket.destroy();
    // A short mesh value ends detection: the connection is relayed as TCP (takeover says no).
    useMesh({ timeoutMs: 30 });
    const silent = await open();
    assert.equal(await silent.decision, false);
    silent.socket.destroy();
  });

  it('0s waits however long: a client that speaks late is still sniffed and routed at layer 7', { timeout: 10_000 }, async () => {
    useMesh({ timeoutMs: 0 });
    const late = await open();
    const reply = answer(late.socket);
    await new Promise((r) => setTimeout(r, 100)); // five times the proxy's own bound
    late.socket.write('GET /late HTTP/1.1\r\nHost: web-plain.apps.svc.cluster.local\r\nConnection: close\r\n\r\n');
    assert.equal(await late.decision, true, 'handed to the outbound proxy');
    assert.match(await reply, /^HTTP\/1\.1 200[\s\S]*app \/late$/);
  });

  it('without a mesh value the proxy\'s own bound applies', { timeout: 10_000 }, async () => {
    useMesh({});
    const silent = await open();
    assert.equal(await silent.decision, false);
    silent.socket.destroy();
  });

  it('Maistra\'s default (no outbound sniffing) leaves an unnamed port to TCP at once', async () => {
    useMesh(false);
    const c = await open();
    assert.equal(await c.decision, false);
    c.socket.destroy();
  });
});
